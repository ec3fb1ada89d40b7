package io.twisterlab.core;

/**
 * Health of an agent or of the registry as a whole, worst last.
 *
 * <pre>{@code
 * HealthStatus overall = HealthStatus.worst(a.status(), b.status());
 * }</pre>
 */
public enum HealthStatus {
    HEALTHY,
    DEGRADED,
    UNHEALTHY;

    /** The worse of two statuses. */
    public static HealthStatus worst(HealthStatus a, HealthStatus b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
