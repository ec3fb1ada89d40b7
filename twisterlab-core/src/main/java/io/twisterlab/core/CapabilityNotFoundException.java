package io.twisterlab.core;

/**
 * The agent exists but has no capability with the requested name.
 *
 * <pre>{@code
 * try { registry.execute("cache", "no_such", Map.of()); }
 * catch (CapabilityNotFoundException e) { e.agentName(); e.capabilityName(); }
 * }</pre>
 */
public class CapabilityNotFoundException extends TwisterLabException {
    private static final long serialVersionUID = 1L;

    private final String agentName;
    private final String capabilityName;

    public CapabilityNotFoundException(String agentName, String capabilityName) {
        super("capability_not_found", "Agent '" + agentName + "' has no capability '" + capabilityName + "'");
        this.agentName = agentName;
        this.capabilityName = capabilityName;
    }

    public String agentName() {
        return agentName;
    }

    public String capabilityName() {
        return capabilityName;
    }
}
