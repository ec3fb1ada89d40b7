package io.twisterlab.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Arguments failed validation before the handler ran. Carries <em>every</em> violation, not just the first.
 *
 * <pre>{@code
 * try { capability.validate(Map.of("limit", "5")); }
 * catch (InvalidArgumentsException e) { e.violations(); } // [limit: type ...]
 * }</pre>
 */
public class InvalidArgumentsException extends TwisterLabException {
    private static final long serialVersionUID = 1L;

    private final String capabilityName;
    private final transient List<Violation> violations;

    public InvalidArgumentsException(String capabilityName, List<Violation> violations) {
        super("invalid_arguments", describe(capabilityName, violations));
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an InvalidArgumentsException needs at least one violation");
        }
        this.capabilityName = capabilityName;
        this.violations = List.copyOf(violations);
    }

    private static String describe(String capabilityName, List<Violation> violations) {
        return "Invalid arguments for '" + capabilityName + "': "
                + violations.stream().map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; "));
    }

    public String capabilityName() {
        return capabilityName;
    }

    /** All violations, in parameter order, then unknown fields. */
    public List<Violation> violations() {
        return violations;
    }
}
