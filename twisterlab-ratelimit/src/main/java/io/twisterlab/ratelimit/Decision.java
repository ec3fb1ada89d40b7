package io.twisterlab.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer to one rate-limit request: one immutable value that maps onto every HTTP header.
 *
 * <p>For a request over several limits, the decision is the most restrictive one: when denied, the denying
 * limit with the longest {@code retryAfter}; when allowed, the limit with the fewest permits remaining (the
 * first one in argument order on a tie).
 *
 * <p><b>Cost larger than burst.</b> A request whose cost exceeds a limit's burst can never conform, however
 * long it waits. It is denied, consumes nothing, and its {@link #retryAfterNanos()} is {@link #NEVER}
 * ({@link #satisfiable()} is {@code false}); the HTTP helpers then send no {@code Retry-After}.
 *
 * <pre>{@code
 * Decision d = limiter.decide(clientIp, 1, perSecond);
 * if (!d.allowed()) {
 *     response.status(429).header("Retry-After", RateLimitHeaders.retryAfter(d).orElse("60"));
 * }
 * }</pre>
 *
 * @param allowed         whether the request may proceed (always true in shadow mode)
 * @param limit           the limit that decided
 * @param remaining       permits left in that limit after this decision
 * @param retryAfterNanos time until this request (same cost) would conform; 0 when allowed, {@link #NEVER}
 *                        when it never can
 * @param resetAfterNanos time until that limit's bucket is full again
 * @param degraded        decided under a failure policy, not by the configured store
 * @param shadow          the store denied, but shadow mode allowed the request
 */
public record Decision(boolean allowed, Limit limit, long remaining, long retryAfterNanos, long resetAfterNanos,
                       boolean degraded, boolean shadow) {

    /** {@link #retryAfterNanos()} of a request that can never conform (its cost exceeds the burst). */
    public static final long NEVER = Long.MAX_VALUE;

    /** Validates the components: non-negative times, zero retry when allowed, shadow only when allowed. */
    public Decision {
        Objects.requireNonNull(limit, "limit");
        if (remaining < 0 || retryAfterNanos < 0 || resetAfterNanos < 0) {
            throw new IllegalArgumentException("negative remaining or time in decision for " + limit.id());
        }
        if (allowed && retryAfterNanos != 0 && !shadow) {
            throw new IllegalArgumentException("an allowed decision has no retry-after");
        }
        if (shadow && !allowed) {
            throw new IllegalArgumentException("a shadow decision is always allowed");
        }
    }

    /**
     * An allowed decision.
     *
     * @param limit           the deciding limit
     * @param remaining       permits left
     * @param resetAfterNanos time until full
     * @return the decision
     */
    public static Decision allow(Limit limit, long remaining, long resetAfterNanos) {
        return new Decision(true, limit, remaining, 0L, resetAfterNanos, false, false);
    }

    /**
     * A denied decision.
     *
     * @param limit           the deciding limit
     * @param remaining       permits left (fewer than the cost)
     * @param retryAfterNanos time until the request would conform, or {@link #NEVER}
     * @param resetAfterNanos time until full
     * @return the decision
     */
    public static Decision deny(Limit limit, long remaining, long retryAfterNanos, long resetAfterNanos) {
        return new Decision(false, limit, remaining, retryAfterNanos, resetAfterNanos, false, false);
    }

    /** @return the id of the deciding limit */
    public String limitId() {
        return limit.id();
    }

    /** @return the deciding limit's burst: the {@code limit} of the HTTP headers */
    public long quota() {
        return limit.burst();
    }

    /** @return {@link #retryAfterNanos()} as a duration ({@code ChronoUnit.FOREVER} length when never) */
    public Duration retryAfter() {
        return retryAfterNanos == NEVER ? Duration.ofSeconds(Long.MAX_VALUE, 999_999_999L)
                : Duration.ofNanos(retryAfterNanos);
    }

    /** @return {@link #resetAfterNanos()} as a duration */
    public Duration resetAfter() {
        return Duration.ofNanos(resetAfterNanos);
    }

    /** @return false when the cost exceeds the burst, so that no wait can make this request conform */
    public boolean satisfiable() {
        return retryAfterNanos != NEVER;
    }

    /** @return the outcome for metrics: allowed, denied, or denied-but-allowed in shadow mode */
    public Outcome outcome() {
        return shadow ? Outcome.SHADOW_DENIED : allowed ? Outcome.ALLOWED : Outcome.DENIED;
    }

    /**
     * @return this decision if allowed; otherwise the same decision allowed with the shadow flag (it keeps its
     *         retry-after so that "would deny" can be reported)
     */
    public Decision asShadow() {
        return allowed ? this : new Decision(true, limit, remaining, retryAfterNanos, resetAfterNanos, degraded, true);
    }

    /** @return this decision with the degraded flag set */
    public Decision asDegraded() {
        return degraded ? this : new Decision(allowed, limit, remaining, retryAfterNanos, resetAfterNanos, true, shadow);
    }

    /** The outcome of a decision, with the label used in metrics. */
    public enum Outcome {
        /** The request conforms. */
        ALLOWED("allowed"),
        /** The request does not conform and was denied. */
        DENIED("denied"),
        /** The request does not conform but shadow mode allowed it. */
        SHADOW_DENIED("shadow_denied");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        /** @return the lower-case metrics label: {@code allowed}, {@code denied} or {@code shadow_denied} */
        public String label() {
            return label;
        }
    }
}
