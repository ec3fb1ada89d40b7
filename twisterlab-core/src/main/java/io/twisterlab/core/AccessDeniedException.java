package io.twisterlab.core;

/**
 * The {@link AccessPolicy} refused the caller this capability. Raised by the registry before the capability
 * runs, including for nested calls an orchestrating agent makes on the caller's behalf.
 *
 * <pre>{@code
 * catch (AccessDeniedException e) { respond(403, e.getMessage()); }
 * }</pre>
 */
public class AccessDeniedException extends TwisterLabException {
    private static final long serialVersionUID = 1L;

    public AccessDeniedException(String principal, String agentName, String capabilityName) {
        super("forbidden", "'" + principal + "' may not execute " + agentName + "." + capabilityName);
    }
}
