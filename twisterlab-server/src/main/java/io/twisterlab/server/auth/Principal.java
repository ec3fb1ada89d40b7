package io.twisterlab.server.auth;

import io.twisterlab.server.ServerConfig.Role;
import java.util.Objects;

/**
 * An authenticated caller.
 *
 * @param name   API key name or user name (never the key itself)
 * @param role   its role
 * @param method how it authenticated: {@code api_key}, {@code jwt} or {@code none} (auth disabled)
 */
public record Principal(String name, Role role, String method) {
    public Principal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(method, "method");
    }
}
