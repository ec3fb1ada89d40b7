package io.twisterlab.core;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agents a call can see and run: a read-and-execute view of an {@link AgentRegistry}. Orchestrating agents
 * receive it through {@link Invocation#directory()} and call other agents with the caller's context, so the
 * registry's access policy applies to nested calls too.
 *
 * <pre>{@code
 * for (CoreAgent agent : inv.directory().agents()) { ... }
 * inv.directory().execute("monitoring", "get_system_metrics", Map.of(), inv.context());
 * }</pre>
 */
public interface AgentDirectory {
    /** Looks an agent up by exact name, then by alias (see {@link AgentRegistry}). */
    Optional<CoreAgent> find(String name);

    /** All agents, in registration order. */
    List<CoreAgent> agents();

    /**
     * Executes a capability as {@code context}.
     *
     * @throws AgentNotFoundException      no such agent
     * @throws CapabilityNotFoundException no such capability
     * @throws InvalidArgumentsException   invalid arguments
     * @throws AccessDeniedException       the access policy refuses {@code context}
     */
    AgentResponse execute(String agent, String capability, Map<String, ?> arguments, ExecutionContext context);

    /** A directory with no agents, for agents executed outside any registry. */
    static AgentDirectory empty() {
        return EmptyDirectory.INSTANCE;
    }
}

enum EmptyDirectory implements AgentDirectory {
    INSTANCE;

    @Override
    public Optional<CoreAgent> find(String name) {
        return Optional.empty();
    }

    @Override
    public List<CoreAgent> agents() {
        return List.of();
    }

    @Override
    public AgentResponse execute(String agent, String capability, Map<String, ?> arguments,
                                 ExecutionContext context) {
        throw new AgentNotFoundException(agent);
    }
}
