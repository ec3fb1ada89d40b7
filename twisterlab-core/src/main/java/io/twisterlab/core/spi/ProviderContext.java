package io.twisterlab.core.spi;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link AgentProvider} receives: flat string configuration ({@code database.url},
 * {@code cache.backend}, {@code agents.<name>.<key>} for any agent, ...) and shared resources looked up by type (a
 * connection pool, a Redis client, a clock).
 *
 * <pre>{@code
 * ProviderContext context = ProviderContext.builder()
 *         .config("database.url", "jdbc:h2:mem:twisterlab")
 *         .resource(java.time.Clock.class, java.time.Clock.systemUTC())
 *         .build();
 * String url = context.config("database.url").orElse("jdbc:h2:mem:default");
 * }</pre>
 */
public final class ProviderContext {
    private static final ProviderContext EMPTY = builder().build();

    private final Map<String, String> config;
    private final Map<Class<?>, Object> resources;

    private ProviderContext(Builder builder) {
        this.config = Map.copyOf(builder.config);
        this.resources = Map.copyOf(builder.resources);
    }

    public static ProviderContext empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this context's configuration and resources, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.config.putAll(config);
        b.resources.putAll(resources);
        return b;
    }

    public Optional<String> config(String key) {
        return Optional.ofNullable(config.get(key));
    }

    /** Every configuration entry; unmodifiable. */
    public Map<String, String> config() {
        return config;
    }

    /**
     * An integer setting.
     *
     * @throws IllegalArgumentException naming the key, if the value is not an integer
     */
    public Optional<Long> configLong(String key) {
        return config(key).map(value -> {
            try {
                return Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("setting '" + key + "' must be an integer, got '" + value + "'");
            }
        });
    }

    /**
     * A duration setting in milliseconds.
     *
     * @throws IllegalArgumentException naming the key, if the value is not a non-negative integer
     */
    public Optional<Duration> configMillis(String key) {
        return configLong(key).map(ms -> {
            if (ms < 0) {
                throw new IllegalArgumentException("setting '" + key + "' must not be negative, got " + ms);
            }
            return Duration.ofMillis(ms);
        });
    }

    public <T> Optional<T> resource(Class<T> type) {
        return Optional.ofNullable(resources.get(type)).map(type::cast);
    }

    /** Builder for {@link ProviderContext}; later values replace earlier ones for the same key or type. */
    public static final class Builder {
        private final Map<String, String> config = new LinkedHashMap<>();
        private final Map<Class<?>, Object> resources = new HashMap<>();

        private Builder() {
        }

        public Builder config(String key, String value) {
            config.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public Builder config(Map<String, String> entries) {
            entries.forEach(this::config);
            return this;
        }

        public <T> Builder resource(Class<T> type, T resource) {
            resources.put(Objects.requireNonNull(type, "type"), type.cast(Objects.requireNonNull(resource, "resource")));
            return this;
        }

        public ProviderContext build() {
            return new ProviderContext(this);
        }
    }
}
