package io.twisterlab.core;

import java.util.Objects;

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
 */
public record Invocation(Arguments arguments, ExecutionContext context, AgentDirectory directory) {
    public Invocation {
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(directory, "directory");
    }
}
