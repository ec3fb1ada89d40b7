package io.twisterlab.core;

import io.twisterlab.core.internal.CapabilityInvoker;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Skeletal {@link CoreAgent}: declare capabilities fluently in the constructor; validation, exception mapping
 * and response metadata are handled here.
 *
 * <pre>{@code
 * public final class GreeterAgent extends AbstractCoreAgent {
 *     public GreeterAgent() {
 *         super("greeter", "Greets people", "1.0.0");
 *         query("greet", "Says hello")
 *                 .param(Param.builder("name", ParamType.STRING).defaultValue("world").maxLength(50).build())
 *                 .handler(inv -> Map.of("greeting", "Hello, " + inv.arguments().getString("name")));
 *         action("reset", "Forgets everything")
 *                 .handler(inv -> Map.of("reset", true));
 *     }
 * }
 * }</pre>
 */
public abstract class AbstractCoreAgent implements CoreAgent {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    private final String name;
    private final String description;
    private final String version;
    private volatile List<Capability> capabilities = List.of();

    protected AbstractCoreAgent(String name, String description, String version) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("agent name '" + name + "' must match " + NAME.pattern());
        }
        this.name = name;
        this.description = Objects.requireNonNull(description, "description");
        this.version = Objects.requireNonNull(version, "version");
    }

    /** Declares a read-only capability; finish it with {@link Capability.Builder#handler}. */
    protected final Capability.Builder query(String capabilityName, String capabilityDescription) {
        return Capability.builder(capabilityName, CapabilityKind.QUERY, this::declare)
                .description(capabilityDescription);
    }

    /** Declares a state-changing capability; finish it with {@link Capability.Builder#handler}. */
    protected final Capability.Builder action(String capabilityName, String capabilityDescription) {
        return Capability.builder(capabilityName, CapabilityKind.ACTION, this::declare)
                .description(capabilityDescription);
    }

    /** Adds a capability built elsewhere. */
    protected final synchronized void declare(Capability capability) {
        if (capability(capability.name()).isPresent()) {
            throw new IllegalArgumentException("agent '" + name + "' declares capability '" + capability.name()
                    + "' twice");
        }
        List<Capability> next = new ArrayList<>(capabilities);
        next.add(capability);
        capabilities = List.copyOf(next);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final String version() {
        return version;
    }

    @Override
    public final List<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public AgentResponse execute(AgentCall call) {
        Capability capability = capability(call.capability())
                .orElseThrow(() -> new CapabilityNotFoundException(name, call.capability()));
        return CapabilityInvoker.invokeHandler(name, capability, call);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + " " + version + "]";
    }
}
