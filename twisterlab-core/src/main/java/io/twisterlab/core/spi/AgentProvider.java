package io.twisterlab.core.spi;

import io.twisterlab.core.CoreAgent;
import java.util.Collection;
import java.util.List;

/**
 * A factory that {@link java.util.ServiceLoader} discovers: list its class name in
 * {@code META-INF/services/io.twisterlab.core.spi.AgentProvider}. It builds agents from configuration and shared
 * resources; it may return none (for example when the agent is disabled by configuration).
 *
 * <pre>{@code
 * public final class GreeterProvider implements AgentProvider {
 *     public Collection<CoreAgent> createAgents(ProviderContext context) {
 *         return List.of(new GreeterAgent(context.config("agents.greeter.greeting").orElse("Hello")));
 *     }
 *
 *     public List<SettingKey> settingKeys() {   // optional: agents.greeter.greting is then refused at start-up
 *         return List.of(new SettingKey("greeter", "greeting", "the word before the name [Hello]"));
 *     }
 * }
 * }</pre>
 *
 * <p>Implementations need a public no-argument constructor.
 */
public interface AgentProvider {
    /**
     * Creates this provider's agents; must not start them (the registry does).
     *
     * @throws IllegalArgumentException for invalid configuration, with a message naming the setting
     */
    Collection<? extends CoreAgent> createAgents(ProviderContext context);

    /**
     * The {@code agents.<name>.<key>} settings this provider reads. For every agent name it declares keys for,
     * discovery refuses any other {@code agents.<name>.*} setting (except {@code enabled}) before
     * {@link #createAgents} runs, naming the closest declared key. The default declares nothing, and then every
     * key is passed through unchecked.
     */
    default List<SettingKey> settingKeys() {
        return List.of();
    }
}
