package io.twisterlab.server.config;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The server's one redactor of secrets in settings and in messages that may quote URLs. */
public final class Redaction {
    /** Secrets, and the hashes of credentials (user bcrypt hashes can be attacked offline; key hashes name keys). */
    private static final Set<String> SECRET_KEYS = Set.of("database.password", "auth.jwt_secret", "auth.users",
            "auth.api_keys");
    /** The last part of a key that holds a secret, e.g. {@code agents.greeter.api_token}, {@code redis.password}. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|passwd|pwd|secret|token|credential"
            + "|private_key|api_key|apikey).*");

    private Redaction() {
    }

    /**
     * The settings with secret values replaced by {@code ***}, sorted by key: the known secrets and every key whose
     * last part names a password, secret, token, credential or key ({@code agents.greeter.password}).
     */
    public static Map<String, String> settings(Map<String, String> settings) {
        Map<String, String> out = new TreeMap<>(settings);
        out.replaceAll((k, v) -> isSecret(k) ? "***" : v);
        return out;
    }

    /** Whether the value of this setting is a secret, never to be printed. */
    private static boolean isSecret(String key) {
        return SECRET_KEYS.contains(key) || SECRET_NAME.matcher(key.substring(key.lastIndexOf('.') + 1)).matches();
    }

    /**
     * A message without credentials: {@code password=}, {@code secret=}... parameters and URL user info
     * ({@code redis://user:secret@host} becomes {@code redis://***@host}; everything up to the last {@code @} of the
     * word goes, so a password with an unencoded {@code /} or {@code @} does not leak either).
     */
    public static String message(@Nullable String message) {
        if (message == null) {
            return "unknown error";
        }
        return message.replaceAll("(?i)(password|pwd|secret|token)=[^&;\\s]*", "$1=***")
                .replaceAll("//\\S*@", "//***@");
    }
}
