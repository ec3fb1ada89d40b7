package io.twisterlab.core;

/**
 * How an execution ended, as reported to {@link ExecutionListener}s.
 *
 * <pre>{@code
 * counter.labelValues(event.agent(), event.capability(), event.outcome().label()).inc();
 * }</pre>
 */
public enum ExecutionOutcome {
    SUCCESS,
    /** A domain failure response ({@link AgentResponse#success()} false), other than a timeout. */
    FAILURE,
    TIMEOUT,
    INVALID_ARGUMENTS,
    DENIED;

    /** Lower-case label, e.g. {@code invalid_arguments}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
