package io.twisterlab.core;

import io.twisterlab.core.internal.DefaultAgentRegistry;
import io.twisterlab.core.spi.AgentDiscovery;
import io.twisterlab.core.spi.AgentProvider;
import io.twisterlab.core.spi.ProviderContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * A thread-safe set of agents with lookup, guarded execution, lifecycle and aggregated health.
 *
 * <p><b>Lookup</b>: by exact name, then by normalised alias: case-insensitive, {@code -} and {@code _} ignored, an
 * {@code agent} suffix and a {@code real-} prefix ignored, so {@code Monitoring_Agent}, {@code real-monitoring} and
 * {@code MONITORING} all find {@code monitoring}. There is no substring matching. A registration whose name or
 * alias collides with another agent's fails at once.
 *
 * <p><b>Execution</b>: the capability is resolved, the {@link AccessPolicy} consulted, the arguments validated,
 * and the handler run under the capability's timeout (or the registry default); every execution is reported to
 * the {@link ExecutionListener}s.
 *
 * <pre>{@code
 * try (AgentRegistry registry = AgentRegistry.builder()
 *         .discover(ProviderContext.builder().config("database.url", "jdbc:h2:mem:app").build())
 *         .register(new GreeterAgent())
 *         .defaultTimeout(Duration.ofSeconds(30))
 *         .build()) {
 *     registry.start();
 *     AgentResponse hello = registry.execute("greeter", "greet", Map.of("name", "Ada"));
 * }
 * }</pre>
 */
public interface AgentRegistry extends AgentDirectory, AutoCloseable {

    static Builder builder() {
        return new Builder();
    }

    /**
     * Adds an agent; if the registry is started, starts it.
     *
     * @throws AgentRegistrationException if its name or alias collides with a registered agent
     */
    void register(CoreAgent agent);

    /** Removes (and stops, if started) the agent with this exact canonical name. */
    Optional<CoreAgent> unregister(String name);

    /**
     * Like {@link #find(String)} but throws.
     *
     * @throws AgentNotFoundException if neither name nor alias matches
     */
    default CoreAgent get(String name) {
        return find(name).orElseThrow(() -> new AgentNotFoundException(name));
    }

    /** Executes as {@link ExecutionContext#system()}. */
    default AgentResponse execute(String agent, String capability, Map<String, ?> arguments) {
        return execute(agent, capability, arguments, ExecutionContext.system());
    }

    /** Starts every agent in registration order; a failure stops those already started and is rethrown. */
    void start();

    /** Stops every agent in reverse registration order; failures are logged, not thrown. */
    void stop();

    boolean isStarted();

    /** Health of every agent; an agent whose {@code health()} throws counts as unhealthy. */
    RegistryHealth health();

    /** Stops the agents and releases the registry's execution threads. */
    @Override
    void close();

    /**
     * Builder for {@link AgentRegistry}.
     *
     * <pre>{@code
     * AgentRegistry.builder().discover(ProviderContext.empty()).accessPolicy(policy).listener(metrics).build();
     * }</pre>
     */
    final class Builder {
        private final List<CoreAgent> agents = new ArrayList<>();
        private final List<ExecutionListener> listeners = new ArrayList<>();
        private AccessPolicy accessPolicy = AccessPolicy.allowAll();
        private @Nullable Duration defaultTimeout;

        private Builder() {
        }

        public Builder register(CoreAgent agent) {
            agents.add(Objects.requireNonNull(agent, "agent"));
            return this;
        }

        /** Registers the agents of every {@link AgentProvider} found by {@link ServiceLoader} on the context class loader. */
        public Builder discover(ProviderContext context) {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            return discover(context, loader != null ? loader : AgentRegistry.class.getClassLoader());
        }

        /**
         * Registers the agents of every {@link AgentProvider} that {@code loader} finds, except those that
         * {@code agents.<name>.enabled=false} leaves out (see {@link AgentDiscovery}).
         *
         * @throws AgentRegistrationException if a provider cannot be loaded or fails to create its agents
         */
        public Builder discover(ProviderContext context, ClassLoader loader) {
            Objects.requireNonNull(context, "context");
            AgentDiscovery.all(context, loader).forEach(d -> register(d.agent()));
            return this;
        }

        public Builder accessPolicy(AccessPolicy accessPolicy) {
            this.accessPolicy = Objects.requireNonNull(accessPolicy, "accessPolicy");
            return this;
        }

        public Builder listener(ExecutionListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Timeout for capabilities that declare none; by default they may run as long as they need. */
        public Builder defaultTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("default timeout must be positive: " + timeout);
            }
            this.defaultTimeout = timeout;
            return this;
        }

        /**
         * @throws AgentRegistrationException on duplicate names or ambiguous aliases
         */
        public AgentRegistry build() {
            DefaultAgentRegistry registry = new DefaultAgentRegistry(accessPolicy, listeners, defaultTimeout);
            agents.forEach(registry::register);
            return registry;
        }
    }
}
