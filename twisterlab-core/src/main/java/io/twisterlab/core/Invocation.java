package io.twisterlab.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link CapabilityHandler} receives: validated arguments, who is calling, and the directory of agents to
 * call on the caller's behalf.
 *
 * <pre>{@code
 * // inside an orchestrating handler: runs with the caller's authority, so the access policy still applies
 * AgentResponse r = inv.directory().execute("database", "db_health", Map.of(), inv.context());
 * }</pre>
 *
 * @param arguments validated arguments with defaults applied
 * @param context   the caller's identity and request id
 * @param directory the agents this call can reach (empty when the agent is executed outside a registry)
 * @param timeout   how long the caller waits for the result, or null when unbounded (see
 *                  {@link AgentCall#timeout()}); work that outlives it holds resources for nobody
 */
public record Invocation(Arguments arguments, ExecutionContext context, AgentDirectory directory,
                         @Nullable Duration timeout) {
    public Invocation {
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(directory, "directory");
    }

    /** An invocation without a time bound. */
    public Invocation(Arguments arguments, ExecutionContext context, AgentDirectory directory) {
        this(arguments, context, directory, null);
    }

    /**
     * How long the caller waits for the result, if it is bounded. A handler that accepts its own timeout argument
     * should use the smaller of the two:
     *
     * <pre>{@code
     * Duration limit = inv.findTimeout().filter(t -> t.compareTo(requested) < 0).orElse(requested);
     * }</pre>
     */
    public Optional<Duration> findTimeout() {
        return Optional.ofNullable(timeout);
    }
}
