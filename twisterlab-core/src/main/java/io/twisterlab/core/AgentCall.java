package io.twisterlab.core;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One request to an agent: which capability, the raw (not yet validated) arguments, who calls, and what the
 * agent may call in turn.
 *
 * <pre>{@code
 * AgentResponse r = agent.execute(AgentCall.of("get_jvm_metrics", Map.of()));
 * }</pre>
 *
 * @param capability the capability name
 * @param arguments  raw JSON-like arguments as received
 * @param context    the caller
 * @param directory  the agents reachable from this call
 * @param timeout    how long the caller waits for the result (the registry's per-capability or default timeout),
 *                   or null when it waits without bound; handlers that hold external resources (a database
 *                   statement, a remote call) must stop their work within it
 */
public record AgentCall(String capability, Map<String, ?> arguments, ExecutionContext context,
                        AgentDirectory directory, @Nullable Duration timeout) {
    public AgentCall {
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(directory, "directory");
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /** A call without a time bound. */
    public AgentCall(String capability, Map<String, ?> arguments, ExecutionContext context,
                     AgentDirectory directory) {
        this(capability, arguments, context, directory, null);
    }

    /** How long the caller waits for the result, if it is bounded. */
    public Optional<Duration> findTimeout() {
        return Optional.ofNullable(timeout);
    }

    /** A call from the {@link ExecutionContext#system() system} context with no other agents reachable. */
    public static AgentCall of(String capability, Map<String, ?> arguments) {
        return new AgentCall(capability, arguments, ExecutionContext.system(), AgentDirectory.empty());
    }
}
