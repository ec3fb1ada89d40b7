package io.twisterlab.core;

/**
 * Registration was refused: a duplicate name, an alias that would make lookups ambiguous, or an agent or
 * provider that failed to start.
 *
 * <pre>{@code
 * registry.register(new EchoAgent());
 * registry.register(new EchoAgent()); // AgentRegistrationException: duplicate name 'echo'
 * }</pre>
 */
public class AgentRegistrationException extends TwisterLabException {
    private static final long serialVersionUID = 1L;

    public AgentRegistrationException(String message) {
        super("agent_registration", message);
    }

    public AgentRegistrationException(String message, Throwable cause) {
        super("agent_registration", message, cause);
    }
}
