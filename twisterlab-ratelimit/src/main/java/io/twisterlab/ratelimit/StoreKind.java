package io.twisterlab.ratelimit;

import io.twisterlab.ratelimit.internal.ConfigNames;

/**
 * The kinds of store this module ships, with their configuration names.
 *
 * <pre>{@code
 * StoreKind kind = StoreKind.parse("redis");
 * }</pre>
 */
public enum StoreKind {
    /** {@code memory}: the default, in-process GCRA store. */
    MEMORY("memory"),
    /** {@code redis}: shared GCRA state in Redis (needs Lettuce on the class path). */
    REDIS("redis"),
    /** {@code resilience4j}: fixed-cycle limiting with resilience4j-ratelimiter (needs it on the class path). */
    RESILIENCE4J("resilience4j");

    private final String configName;

    StoreKind(String configName) {
        this.configName = configName;
    }

    /** @return the configuration name, also used as the {@code store} label in metrics */
    public String configName() {
        return configName;
    }

    /**
     * The one parser of store names, for configuration binders: case-insensitive, surrounding blanks ignored.
     *
     * @param name {@code memory}, {@code redis} or {@code resilience4j}
     * @return the kind
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static StoreKind parse(String name) {
        return ConfigNames.parse("rate-limit store", name, values(), StoreKind::configName);
    }
}
