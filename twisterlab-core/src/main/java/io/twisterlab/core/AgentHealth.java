package io.twisterlab.core;

import java.util.Map;
import java.util.Objects;

/**
 * One agent's health: status, a message saying what was checked, and details (JSON-like).
 *
 * <pre>{@code
 * public AgentHealth health() {
 *     return pool.isRunning() ? AgentHealth.healthy("pool running")
 *                             : AgentHealth.of(HealthStatus.UNHEALTHY, "pool closed", Map.of());
 * }
 * }</pre>
 *
 * @param status  healthy, degraded or unhealthy
 * @param message what was checked and what was found
 * @param details extra facts (latency, counts); JSON-like values
 */
public record AgentHealth(HealthStatus status, String message, Map<String, Object> details) {
    public AgentHealth {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
        details = Map.copyOf(details);
    }

    public static AgentHealth of(HealthStatus status, String message, Map<String, Object> details) {
        return new AgentHealth(status, message, details);
    }

    public static AgentHealth healthy(String message) {
        return new AgentHealth(HealthStatus.HEALTHY, message, Map.of());
    }

    public static AgentHealth unhealthy(String message) {
        return new AgentHealth(HealthStatus.UNHEALTHY, message, Map.of());
    }
}
