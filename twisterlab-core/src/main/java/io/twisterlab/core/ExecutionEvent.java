package io.twisterlab.core;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One finished execution, as seen by the registry. Every component is safe to log: the argument names are the
 * caller's, so they are kept to a safe alphabet and length here, and argument values never appear.
 *
 * <pre>{@code
 * ExecutionListener listener = e -> histogram.labelValues(e.agent(), e.capability()).observe(e.duration().toNanos() / 1e9);
 * ExecutionListener audit = e -> log.info("{} ran {}.{} with {}", e.context().principal(), e.agent(),
 *         e.capability(), String.join("|", e.argumentNames()));
 * }</pre>
 *
 * @param agent         canonical agent name
 * @param capability    capability name
 * @param kind          query or action
 * @param context       who executed it
 * @param duration      wall-clock time, including validation
 * @param outcome       how it ended
 * @param errorCode     the failure's code, or null on success
 * @param argumentNames the names of the arguments the caller passed to this call (a nested call has its own), in
 *                      the caller's order: at most {@value #MAX_ARGUMENT_NAMES}; in each, a character outside
 *                      {@code [A-Za-z0-9_.-]} becomes {@code ?} and a name longer than
 *                      {@value #MAX_ARGUMENT_NAME_LENGTH} characters is cut to that length and ends in {@code ...}
 */
public record ExecutionEvent(String agent, String capability, CapabilityKind kind, ExecutionContext context,
                             Duration duration, ExecutionOutcome outcome, @Nullable String errorCode,
                             List<String> argumentNames) {
    /** At most this many argument names are kept. */
    public static final int MAX_ARGUMENT_NAMES = 50;
    /** Longer argument names are cut to this length. */
    public static final int MAX_ARGUMENT_NAME_LENGTH = 64;
    private static final Pattern UNSAFE = Pattern.compile("[^A-Za-z0-9_.-]");

    public ExecutionEvent {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(capability, "capability");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(outcome, "outcome");
        argumentNames = safeNames(Objects.requireNonNull(argumentNames, "argumentNames"));
    }

    /** An event without argument names. */
    public ExecutionEvent(String agent, String capability, CapabilityKind kind, ExecutionContext context,
                          Duration duration, ExecutionOutcome outcome, @Nullable String errorCode) {
        this(agent, capability, kind, context, duration, outcome, errorCode, List.of());
    }

    public Optional<String> findErrorCode() {
        return Optional.ofNullable(errorCode);
    }

    private static List<String> safeNames(Collection<String> names) {
        return names.stream().limit(MAX_ARGUMENT_NAMES).map(ExecutionEvent::safeName).toList();
    }

    private static String safeName(@Nullable String name) {
        String cleaned = UNSAFE.matcher(String.valueOf(name)).replaceAll("?");
        return cleaned.length() > MAX_ARGUMENT_NAME_LENGTH
                ? cleaned.substring(0, MAX_ARGUMENT_NAME_LENGTH) + "..." : cleaned;
    }
}
