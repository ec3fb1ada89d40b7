package io.twisterlab.agents.internal;

import io.twisterlab.core.spi.ProviderContext;
import java.time.Duration;
import java.util.Locale;

/**
 * Reads and validates the flat configuration that agent providers receive. Every failure is an
 * {@link IllegalArgumentException} naming the offending key.
 *
 * <pre>{@code
 * int poolSize = ProviderConfig.intInRange(context, "database.pool_size", 5, 1, 100);
 * }</pre>
 */
public final class ProviderConfig {
    private ProviderConfig() {
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
