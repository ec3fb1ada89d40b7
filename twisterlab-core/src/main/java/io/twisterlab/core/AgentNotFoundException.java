package io.twisterlab.core;

/**
 * No agent is registered under the requested name or alias.
 *
 * <pre>{@code
 * CoreAgent agent = registry.get("monitoring"); // throws AgentNotFoundException if absent
 * }</pre>
 */
public class AgentNotFoundException extends TwisterLabException {
    private static final long serialVersionUID = 1L;

    private final String agentName;

    public AgentNotFoundException(String agentName) {
        super("agent_not_found", "No agent named '" + agentName + "'");
        this.agentName = agentName;
    }

    /** The name the caller asked for. */
    public String agentName() {
        return agentName;
    }
}
