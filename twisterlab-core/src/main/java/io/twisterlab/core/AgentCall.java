package io.twisterlab.core;

import java.util.Map;
import java.util.Objects;

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
 */
public record AgentCall(String capability, Map<String, ?> arguments, ExecutionContext context,
                        AgentDirectory directory) {
    public AgentCall {
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(directory, "directory");
    }

    /** A call from the {@link ExecutionContext#system() system} context with no other agents reachable. */
    public static AgentCall of(String capability, Map<String, ?> arguments) {
        return new AgentCall(capability, arguments, ExecutionContext.system(), AgentDirectory.empty());
    }
}
