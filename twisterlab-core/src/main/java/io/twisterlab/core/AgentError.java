package io.twisterlab.core;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A domain failure: a stable snake_case {@code code} for programs and a sanitized {@code message} for people.
 * Messages must never contain stack traces, class names of internals, or secrets.
 *
 * <pre>{@code
 * AgentResponse.failure(AgentError.of("backend_unavailable", "Redis is not reachable"));
 * }</pre>
 *
 * @param code    stable error code, e.g. {@code read_only_violation}
 * @param message human-readable, safe to show to the caller
 */
public record AgentError(String code, String message) {
    /** A handler threw; the cause is in the server log under the request id. */
    public static final String INTERNAL_ERROR = "internal_error";
    /** The capability did not complete within its timeout. */
    public static final String TIMEOUT = "timeout";

    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public AgentError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("error code '" + code + "' must be snake_case matching " + CODE);
        }
    }

    public static AgentError of(String code, String message) {
        return new AgentError(code, message);
    }
}
