package io.twisterlab.core;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The structured result of executing a capability: {@code success} with JSON-like {@code data}, or a failure with
 * an {@link AgentError}; always with {@link ResponseMetadata}.
 *
 * <pre>{@code
 * AgentResponse r = registry.execute("cache", "cache_get", Map.of("key", "user:1"));
 * if (r.success()) { use(r.data()); } else { log(r.error().orElseThrow().code()); }
 * }</pre>
 *
 * @param success  whether the capability did what was asked
 * @param data     the result (maps, lists, strings, numbers, booleans or null); null on failure
 * @param error    set exactly when {@code success} is false
 * @param metadata agent, capability, duration, request id
 */
public record AgentResponse(boolean success, @Nullable Object data, @Nullable AgentError error,
                            ResponseMetadata metadata) {
    public AgentResponse {
        Objects.requireNonNull(metadata, "metadata");
        if (success == (error != null)) {
            throw new IllegalArgumentException("a response has an error exactly when it is not a success");
        }
    }

    public static AgentResponse success(@Nullable Object data) {
        return new AgentResponse(true, data, null, ResponseMetadata.NONE);
    }

    public static AgentResponse failure(String code, String message) {
        return failure(AgentError.of(code, message));
    }

    public static AgentResponse failure(AgentError error) {
        return new AgentResponse(false, null, error, ResponseMetadata.NONE);
    }

    /** The error, present exactly when this is a failure. */
    public Optional<AgentError> findError() {
        return Optional.ofNullable(error);
    }

    /** The error code, or empty for a success. */
    public Optional<String> errorCode() {
        return findError().map(AgentError::code);
    }

    /** The same response with other metadata. */
    public AgentResponse withMetadata(ResponseMetadata metadata) {
        return new AgentResponse(success, data, error, metadata);
    }
}
