package io.twisterlab.core;

import java.util.Map;
import java.util.Objects;

/**
 * Aggregated health of a registry: the worst status of its agents, and each agent's own health.
 *
 * <pre>{@code
 * RegistryHealth h = registry.health();
 * if (h.status() != HealthStatus.HEALTHY) { h.agents().forEach((name, a) -> log.warn("{}: {}", name, a.message())); }
 * }</pre>
 *
 * @param status the worst agent status; {@code HEALTHY} for an empty registry
 * @param agents health per agent name, in registration order
 */
public record RegistryHealth(HealthStatus status, Map<String, AgentHealth> agents) {
    public RegistryHealth {
        Objects.requireNonNull(status, "status");
        agents = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(agents));
    }
}
