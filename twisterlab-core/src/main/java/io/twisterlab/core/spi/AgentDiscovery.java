package io.twisterlab.core.spi;

import io.twisterlab.core.AgentRegistrationException;
import io.twisterlab.core.CoreAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Predicate;

/**
 * Runs the {@link AgentProvider}s that {@link ServiceLoader} finds in a class loader and keeps the agents that
 * configuration does not switch off: an agent named {@code n} is left out when {@code agents.<n>.enabled} is
 * {@code false} (case-insensitive), whichever provider made it.
 *
 * <pre>{@code
 * ProviderContext context = ProviderContext.builder().config("agents.greeter.enabled", "false").build();
 * List<DiscoveredAgent> builtIn = AgentDiscovery.all(context, Main.class.getClassLoader());
 * List<DiscoveredAgent> plugin = AgentDiscovery.definedBy(context, pluginLoader);   // only the plugin's own
 * }</pre>
 */
public final class AgentDiscovery {

    private AgentDiscovery() {
    }

    /**
     * The agents of every provider visible to {@code loader} (including its parents'), in discovery order.
     *
     * @throws AgentRegistrationException if a provider cannot be loaded or fails to create its agents
     */
    public static List<DiscoveredAgent> all(ProviderContext context, ClassLoader loader) {
        return discover(context, loader, type -> true);
    }

    /**
     * The agents of the providers whose class {@code loader} itself defines, not its parents: the providers of one
     * plugin jar loaded by its own class loader.
     *
     * @throws AgentRegistrationException if a provider cannot be loaded or fails to create its agents
     */
    public static List<DiscoveredAgent> definedBy(ProviderContext context, ClassLoader loader) {
        return discover(context, loader, type -> type.getClassLoader() == loader);
    }

    /** Whether {@code agents.<name>.enabled} leaves the agent in (any value but {@code false}, or none). */
    public static boolean enabled(ProviderContext context, String agentName) {
        return !context.config("agents." + agentName.toLowerCase(Locale.ROOT) + ".enabled")
                .map(v -> v.strip().equalsIgnoreCase("false")).orElse(false);
    }

    private static List<DiscoveredAgent> discover(ProviderContext context, ClassLoader loader,
                                                  Predicate<Class<?>> accept) {
        List<AgentProvider> providers;
        try {
            providers = ServiceLoader.load(AgentProvider.class, loader).stream()
                    .filter(p -> accept.test(p.type()))
                    .map(ServiceLoader.Provider::get).toList();
        } catch (ServiceConfigurationError | LinkageError e) {
            throw new AgentRegistrationException("cannot load agent providers: " + e.getMessage(), e);
        }
        List<DiscoveredAgent> out = new ArrayList<>();
        for (AgentProvider provider : providers) {
            try {
                for (CoreAgent agent : provider.createAgents(context)) {
                    if (enabled(context, agent.name())) {
                        out.add(new DiscoveredAgent(agent, provider.getClass()));
                    }
                }
            } catch (RuntimeException | LinkageError e) {
                throw new AgentRegistrationException("agent provider " + provider.getClass().getName()
                        + " failed: " + e.getMessage(), e);
            }
        }
        return out;
    }
}
