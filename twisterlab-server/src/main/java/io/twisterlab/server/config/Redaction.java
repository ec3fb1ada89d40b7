package io.twisterlab.server.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** The server's one redactor of secrets in settings and in messages that may quote URLs. */
public final class Redaction {
    /** Secrets, and the hashes of credentials (user bcrypt hashes can be attacked offline; key hashes name keys). */
    private static final Set<String> SECRET_KEYS = Set.of("database.password", "auth.jwt_secret", "auth.users",
            "auth.api_keys");

    private Redaction() {
    }

    /** The settings with secret values replaced by {@code ***}, sorted by key. */
    public static Map<String, String> settings(Map<String, String> settings) {
        Map<String, String> out = new TreeMap<>(settings);
        out.replaceAll((k, v) -> SECRET_KEYS.contains(k) || k.contains("password") || k.contains("secret")
                ? "***" : v);
        return out;
    }

    /**
     * A message without credentials: {@code password=}, {@code secret=}... parameters and URL user info
     * ({@code redis://user:secret@host} becomes {@code redis://***@host}).
     */
    public static String message(@Nullable String message) {
        if (message == null) {
            return "unknown error";
        }
        return message.replaceAll("(?i)(password|pwd|secret|token)=[^&;\\s]*", "$1=***")
                .replaceAll("//[^/@\\s]+@", "//***@");
    }
}
