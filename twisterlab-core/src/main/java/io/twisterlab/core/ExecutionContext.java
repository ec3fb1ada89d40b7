package io.twisterlab.core;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Who is executing a capability: a principal, its roles, and the request id for correlation. The registry's
 * {@link AccessPolicy} decides with it, and agents that call other agents pass it on unchanged so nested calls
 * carry the caller's authority, never more.
 *
 * <pre>{@code
 * ExecutionContext ctx = ExecutionContext.of("alice", Set.of("viewer"), "req-42");
 * registry.execute("monitoring", "get_jvm_metrics", Map.of(), ctx);
 * }</pre>
 *
 * @param principal who is calling (an API key name, a user name, or {@code "system"})
 * @param roles     the principal's roles; the meaning of role names belongs to the access policy
 * @param requestId correlation id, echoed in response metadata
 */
public record ExecutionContext(String principal, Set<String> roles, @Nullable String requestId) {
    private static final ExecutionContext SYSTEM = new ExecutionContext("system", Set.of(), null);

    public ExecutionContext {
        Objects.requireNonNull(principal, "principal");
        roles = Set.copyOf(roles);
    }

    public static ExecutionContext of(String principal, Set<String> roles, @Nullable String requestId) {
        return new ExecutionContext(principal, roles, requestId);
    }

    /** The context of in-process callers that embed agents directly: principal {@code system}, no roles. */
    public static ExecutionContext system() {
        return SYSTEM;
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    public Optional<String> findRequestId() {
        return Optional.ofNullable(requestId);
    }
}
