package io.twisterlab.core;

import java.util.Objects;

/**
 * Root of TwisterLab's protocol faults: the call itself was wrong (no such agent, no such capability, invalid
 * arguments, not allowed), as opposed to a domain failure, which is an {@link AgentResponse#failure} value.
 *
 * <pre>{@code
 * try {
 *     registry.execute("database", "execute_query", args);
 * } catch (TwisterLabException e) {
 *     // map to 4xx: e.code() is stable, e.getMessage() is safe to show
 * }
 * }</pre>
 */
public class TwisterLabException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public TwisterLabException(String code, String message) {
        super(message);
        this.code = code;
    }

    public TwisterLabException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** Never null: every constructor takes a message. */
    @Override
    public String getMessage() {
        return Objects.requireNonNull(super.getMessage());
    }

    /** A stable snake_case code, e.g. {@code agent_not_found}. */
    public String code() {
        return code;
    }
}
