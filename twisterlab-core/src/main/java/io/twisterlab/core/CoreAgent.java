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
 * // wraps a job scheduler the application already has
 * public final class NightlyJobAgent implements CoreAgent {
 *     private final Capability run = Capability.action("run").description("Runs the nightly job now").handler(inv -> null);
 *     public String name() { return "nightly-job"; }
 *     public String description() { return "The nightly job"; }
 *     public String version() { return "1.0.0"; }
 *     public List<Capability> capabilities() { return List.of(run); }
 *     public AgentResponse execute(AgentCall call) {
 *         capability(call.capability()).orElseThrow(() -> new CapabilityNotFoundException(name(), call.capability()))
 *                 .validate(call.arguments());
 *         return jobs.runNow("nightly") ? AgentResponse.success(Map.of("started", true))
 *                 : AgentResponse.failure("busy", "the nightly job is already running");
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
