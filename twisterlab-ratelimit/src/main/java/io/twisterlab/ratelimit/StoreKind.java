package io.twisterlab.ratelimit;

import java.util.Locale;
import java.util.Objects;

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
     * @param name {@code memory}, {@code redis} or {@code resilience4j}, case-insensitive
     * @return the kind
     * @throws IllegalArgumentException listing the accepted names
     */
    public static StoreKind parse(String name) {
        Objects.requireNonNull(name, "name");
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (StoreKind k : values()) {
            if (k.configName.equals(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown rate-limit store '" + name
                + "': expected memory, redis or resilience4j");
    }
}
