package io.twisterlab.core;

import java.util.List;
import java.util.Optional;

/**
 * An operational agent: a named set of typed, validated {@link Capability capabilities}.
 *
 * <p>{@link #execute(AgentCall)} never throws for domain failures: those are {@link AgentResponse#failure}
 * values. It throws only protocol faults ({@link CapabilityNotFoundException}, {@link InvalidArgumentsException}).
 * Most agents extend {@link AbstractCoreAgent}, which implements all of this; implement this interface directly
 * only to wrap an existing component.
 *
 * <pre>{@code
 * public final class EchoAgent extends AbstractCoreAgent {
 *     public EchoAgent() {
 *         super("echo", "Echoes text back", "1.0.0");
 *         query("echo", "Returns the text it was given")
 *                 .requiredParam("text", ParamType.STRING, "What to echo")
 *                 .handler(inv -> Map.of("text", inv.arguments().getString("text")));
 *     }
 * }
 * }</pre>
 */
public interface CoreAgent {
    /** Canonical name: lower case letters, digits, {@code -} and {@code _}, e.g. {@code monitoring}. */
    String name();

    String description();

    String version();

    /** Capabilities in declaration order. */
    List<Capability> capabilities();

    default Optional<Capability> capability(String name) {
        return capabilities().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /**
     * Validates the arguments and runs the capability.
     *
     * @throws CapabilityNotFoundException if there is no such capability
     * @throws InvalidArgumentsException   if the arguments do not match the capability's parameters
     */
    AgentResponse execute(AgentCall call);

    /** Current health; the default says only that the agent is up. */
    default AgentHealth health() {
        return AgentHealth.healthy("running");
    }

    /** Acquires resources (pools, connections). Called once by the registry before the first execution. */
    default void start() {
    }

    /** Releases resources. Called once by the registry on shutdown; must not throw for an agent never started. */
    default void stop() {
    }
}
