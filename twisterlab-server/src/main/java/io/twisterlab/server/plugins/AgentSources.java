package io.twisterlab.server.plugins;

import io.twisterlab.core.AgentRegistrationException;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.spi.AgentDiscovery;
import io.twisterlab.core.spi.ApiVersion;
import io.twisterlab.core.spi.DiscoveredAgent;
import io.twisterlab.core.spi.ProviderContext;
import io.twisterlab.server.config.Redaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers the agents of the built-in providers (the server's class path) and of every plugin jar (only the
 * providers the jar itself defines), logs each with its version, provider and origin, and turns a plugin's failure
 * into a one-line {@link io.twisterlab.server.ConfigException} naming its jar (for a {@link LinkageError}, also the
 * server's API version and the one the jar declares). Agents switched off with
 * {@code agents.<name>.enabled=false} are left out by core's {@link AgentDiscovery}.
 *
 * <pre>{@code
 * for (CoreAgent agent : AgentSources.discover(context, builtInLoader, pluginJars)) {
 *     registryBuilder.register(agent);
 * }
 * }</pre>
 */
public final class AgentSources {
    private static final Logger LOG = LoggerFactory.getLogger(AgentSources.class);
    private static final String BUILT_IN = "built-in";

    private AgentSources() {
    }

    /**
     * The agents to register, built-in ones first, then each plugin's in jar-name order.
     *
     * @throws AgentRegistrationException if a built-in provider fails
     * @throws io.twisterlab.server.ConfigException naming the jar, if a plugin's provider cannot be loaded, fails,
     *         or makes an agent whose name another agent already has
     */
    public static List<CoreAgent> discover(ProviderContext context, ClassLoader builtIn, PluginJars plugins) {
        Map<String, String> origins = new HashMap<>();
        List<CoreAgent> agents = new ArrayList<>();
        for (DiscoveredAgent d : AgentDiscovery.all(context, builtIn)) {
            add(d, BUILT_IN, origins, agents);
        }
        for (PluginJars.Jar jar : plugins.jars()) {
            List<DiscoveredAgent> found;
            try {
                found = AgentDiscovery.definedBy(context, jar.loader());
            } catch (AgentRegistrationException e) {
                throw PluginJars.failed(jar.path(), Redaction.message(e.getMessage()) + linkageHint(e, jar));
            }
            if (found.isEmpty()) {
                LOG.warn("plugin {} has no enabled agent (no AgentProvider in META-INF/services, or all disabled)",
                        jar.path());
            }
            for (DiscoveredAgent d : found) {
                String other = origins.get(d.agent().name());
                if (other != null) {
                    throw PluginJars.failed(jar.path(), "agent '" + d.agent().name() + "' of " + d.provider().getName()
                            + " is already provided by " + other);
                }
                add(d, jar.path().toString(), origins, agents);
            }
        }
        return agents;
    }

    /** For a class that does not link against this core: which API the jar says it needs, and which this is. */
    private static String linkageHint(Throwable e, PluginJars.Jar jar) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LinkageError) {
                return " (" + t.getClass().getSimpleName() + ": the plugin does not link against this server's "
                        + "TwisterLab API " + ApiVersion.CURRENT + "; it was built against " + jar.api()
                        .map(v -> "API " + v).orElse("an undeclared API version (no " + ApiVersion.MANIFEST_ATTRIBUTE
                                + " in its manifest)") + ")";
            }
        }
        return "";
    }

    private static void add(DiscoveredAgent d, String origin, Map<String, String> origins, List<CoreAgent> agents) {
        CoreAgent agent = d.agent();
        origins.put(agent.name(), origin);
        agents.add(agent);
        LOG.info("agent {} {} from {} ({})", agent.name(), agent.version(), d.provider().getName(), origin);
    }
}
