package io.twisterlab.core.internal;

import java.util.Locale;

/**
 * The normalised form under which an agent can also be found: lower case, a leading {@code real-}/{@code real_}
 * dropped, {@code -} and {@code _} removed, then a trailing {@code agent} dropped. {@code Monitoring_Agent},
 * {@code real-monitoring} and {@code MONITORING} all normalise to {@code monitoring}.
 */
public final class AliasKey {
    private AliasKey() {
    }

    public static String of(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (key.startsWith("real-") || key.startsWith("real_")) {
            key = key.substring("real-".length());
        }
        key = key.replace("-", "").replace("_", "");
        if (key.endsWith("agent") && key.length() > "agent".length()) {
            key = key.substring(0, key.length() - "agent".length());
        }
        return key;
    }
}
