package io.twisterlab.server;

import java.util.Objects;

/**
 * Invalid server configuration: names the setting (as the YAML key, with its environment variable where there is
 * one) and says what is wrong. {@link Main} prints {@link #getMessage()} and exits with status 2, without a stack
 * trace.
 *
 * <pre>{@code
 * try {
 *     ServerConfig config = ServerConfig.load(null, System.getenv(), Map.of());
 * } catch (ConfigException e) {
 *     System.err.println(e.getMessage()); // "invalid setting server.port (TWISTERLAB_PORT): ..."
 * }
 * }</pre>
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String setting;

    public ConfigException(String setting, String message) {
        super(message);
        this.setting = Objects.requireNonNull(setting, "setting");
    }

    /** The setting at fault, as its YAML key, e.g. {@code ratelimit.default}. */
    public String setting() {
        return setting;
    }
}
