package io.twisterlab.core.spi;

import io.twisterlab.core.AgentRegistrationException;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.internal.Closest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Predicate;

/**
 * Runs the {@link AgentProvider}s that {@link ServiceLoader} finds in a class loader and keeps the agents that
 * configuration does not switch off: an agent named {@code n} is left out when {@code agents.<n>.enabled} is
 * {@code false} (case-insensitive), whichever provider made it. A provider that declares its
 * {@linkplain AgentProvider#settingKeys() setting keys} gets unknown {@code agents.<name>.*} keys refused before it
 * runs.
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
                checkKeys(context, provider.settingKeys());
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

    /**
     * Refuses the {@code agents.<name>.*} settings that are not declared, for every agent name {@code declared}
     * has keys for ({@code enabled} is always allowed).
     *
     * @throws IllegalArgumentException naming the first unknown key (in name order) and the closest declared one
     */
    public static void checkKeys(ProviderContext context, List<SettingKey> declared) {
        Set<String> agents = declared.stream().map(SettingKey::agent).collect(Collectors.toSet());
        Set<String> known = declared.stream().map(SettingKey::fullName).collect(Collectors.toSet());
        for (String key : context.config().keySet().stream().sorted().toList()) {
            int dot = key.indexOf('.', "agents.".length());
            if (!key.startsWith("agents.") || dot < 0 || !agents.contains(key.substring("agents.".length(), dot))
                    || known.contains(key) || key.substring(dot + 1).equals("enabled")) {
                continue;
            }
            String prefix = key.substring(0, dot + 1);
            List<String> same = known.stream().filter(k -> k.startsWith(prefix)).toList();
            throw new IllegalArgumentException("unknown setting '" + key + "': did you mean '"
                    + Closest.to(key, same).orElseThrow() + "'? (known: " + String.join(", ", same.stream()
                    .sorted().toList()) + ")");
        }
    }
}
