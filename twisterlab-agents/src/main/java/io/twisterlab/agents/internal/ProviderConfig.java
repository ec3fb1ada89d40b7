package io.twisterlab.agents.internal;

import io.twisterlab.core.spi.ProviderContext;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads and validates the flat configuration that agent providers receive. Every failure is an
 * {@link IllegalArgumentException} naming the offending key.
 *
 * <pre>{@code
 * int poolSize = ProviderConfig.intInRange(context, "agents.database.pool_size", 5, 1, 100);
 * }</pre>
 */
public final class ProviderConfig {
    private ProviderConfig() {
    }

    /**
     * The settings of the built-in agents before they moved under {@code agents.<name>.}, by old name; they are
     * still accepted.
     */
    public static final Map<String, String> RENAMED = Map.ofEntries(
            Map.entry("database.url", "agents.database.url"),
            Map.entry("database.username", "agents.database.username"),
            Map.entry("database.password", "agents.database.password"),
            Map.entry("database.pool_size", "agents.database.pool_size"),
            Map.entry("database.max_result_bytes", "agents.database.max_result_bytes"),
            Map.entry("database.allow_privileged_account", "agents.database.allow_privileged_account"),
            Map.entry("cache.backend", "agents.cache.backend"),
            Map.entry("cache.namespace", "agents.cache.namespace"),
            Map.entry("cache.max_entries", "agents.cache.max_entries"),
            Map.entry("cache.max_bytes", "agents.cache.max_bytes"),
            Map.entry("redis.timeout_ms", "agents.cache.redis_timeout_ms"),
            Map.entry("llm.url", "agents.maestro.llm_url"),
            Map.entry("llm.model", "agents.maestro.llm_model"),
            Map.entry("llm.timeout_ms", "agents.maestro.llm_timeout_ms"));

    /**
     * Runs {@code build} on the context with every {@linkplain #RENAMED old name} given under its new name, so that
     * providers read only the new names; an error about a setting given by its old name says so.
     *
     * @throws IllegalArgumentException if an old and a new name are both set to different values, or from build
     */
    public static <T> T withNewNames(ProviderContext context, Function<ProviderContext, T> build) {
        ProviderContext renamed = withNewNames(context);
        try {
            return build.apply(renamed);
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            for (Map.Entry<String, String> r : RENAMED.entrySet()) {
                String quoted = "'" + r.getValue() + "'";
                if (message.contains(quoted) && context.config(r.getKey()).isPresent()) {
                    throw new IllegalArgumentException(message.replace(quoted, quoted + " (given as " + r.getKey()
                            + ")"), e);
                }
            }
            throw e;
        }
    }

    private static ProviderContext withNewNames(ProviderContext context) {
        ProviderContext.Builder b = context.toBuilder();
        for (Map.Entry<String, String> e : RENAMED.entrySet()) {
            Optional<String> old = context.config(e.getKey()).map(String::strip);
            Optional<String> current = context.config(e.getValue()).map(String::strip);
            if (old.isPresent() && current.isPresent() && !old.equals(current)) {
                throw new IllegalArgumentException("settings '" + e.getValue() + "' and its old name '" + e.getKey()
                        + "' are both set, to different values: keep only " + e.getValue());
            }
            old.ifPresent(value -> b.config(e.getValue(), value));
        }
        return b.build();
    }

    /** {@code agents.<name>.enabled}: {@code true} (default) or {@code false}. */
    public static boolean enabled(ProviderContext context, String agentName) {
        return bool(context, "agents." + agentName + ".enabled", true);
    }

    public static boolean bool(ProviderContext context, String key, boolean defaultValue) {
        return context.config(key).map(raw -> {
            String value = raw.trim().toLowerCase(Locale.ROOT);
            if (value.equals("true")) {
                return true;
            }
            if (value.equals("false")) {
                return false;
            }
            throw new IllegalArgumentException("setting '" + key + "' must be true or false, got '" + raw + "'");
        }).orElse(defaultValue);
    }

    public static int intInRange(ProviderContext context, String key, int defaultValue, int min, int max) {
        long value = context.configLong(key).orElse((long) defaultValue);
        if (value < min || value > max) {
            throw new IllegalArgumentException("setting '" + key + "' must be between " + min + " and " + max
                    + ", got " + value);
        }
        return (int) value;
    }

    public static Duration positiveMillis(ProviderContext context, String key, Duration defaultValue) {
        Duration value = context.configMillis(key).orElse(defaultValue);
        if (value.isZero()) {
            throw new IllegalArgumentException("setting '" + key + "' must be positive");
        }
        return value;
    }

    /** A non-blank string setting, trimmed, or the default when absent. */
    public static String string(ProviderContext context, String key, String defaultValue) {
        String value = context.config(key).orElse(defaultValue).trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("setting '" + key + "' must not be blank");
        }
        return value;
    }

    /** One of {@code allowed} (case-insensitive), lower-cased. */
    public static String oneOf(ProviderContext context, String key, String defaultValue, String... allowed) {
        String value = string(context, key, defaultValue).toLowerCase(Locale.ROOT);
        for (String candidate : allowed) {
            if (candidate.equals(value)) {
                return value;
            }
        }
        throw new IllegalArgumentException("setting '" + key + "' must be one of " + String.join(", ", allowed)
                + ", got '" + value + "'");
    }
}
