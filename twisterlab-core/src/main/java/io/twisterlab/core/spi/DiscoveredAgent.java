package io.twisterlab.core.spi;

import io.twisterlab.core.CoreAgent;
import java.util.Objects;

/**
 * An agent that discovery created, with the class of the {@link AgentProvider} that created it (for start-up logs
 * that say where each agent comes from).
 *
 * @param agent    the agent, not yet started
 * @param provider the provider's class; its class loader tells which jar the agent comes from
 */
public record DiscoveredAgent(CoreAgent agent, Class<? extends AgentProvider> provider) {
    /** @throws NullPointerException if either is null */
    public DiscoveredAgent {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(provider, "provider");
    }
}
