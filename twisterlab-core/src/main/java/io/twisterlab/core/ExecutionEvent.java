package io.twisterlab.core;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One finished execution, as seen by the registry.
 *
 * <pre>{@code
 * ExecutionListener listener = e -> histogram.labelValues(e.agent(), e.capability()).observe(e.duration().toNanos() / 1e9);
 * }</pre>
 *
 * @param agent      canonical agent name
 * @param capability capability name
 * @param kind       query or action
 * @param context    who executed it
 * @param duration   wall-clock time, including validation
 * @param outcome    how it ended
 * @param errorCode  the failure's code, or null on success
 */
public record ExecutionEvent(String agent, String capability, CapabilityKind kind, ExecutionContext context,
                             Duration duration, ExecutionOutcome outcome, @Nullable String errorCode) {
    public ExecutionEvent {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(outcome, "outcome");
    }

    public Optional<String> findErrorCode() {
        return Optional.ofNullable(errorCode);
    }
}
