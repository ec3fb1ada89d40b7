package io.twisterlab.ratelimit.resilience4j;

import io.twisterlab.ratelimit.RateLimitStore;
import java.util.Objects;

/**
 * An adapter for teams standardised on resilience4j-ratelimiter: one
 * {@code io.github.resilience4j.ratelimiter.RateLimiter} per (subject, limit), created on demand, kept in a bounded
 * map that evicts the least recently used subjects, never waiting (timeout zero).
 *
 * <p><b>How it differs from GCRA</b> — documented, not hidden; the adapter passes the general store contract
 * ({@code AbstractRateLimitStoreContractTest}), not GCRA conformance:
 * <ul>
 *   <li>resilience4j counts permits in <em>fixed cycles</em> of {@code period}: all {@code permits} come back at once
 *       at each cycle boundary. A client can take {@code permits} just before a boundary and {@code permits} again
 *       just after it: up to <b>2× the limit</b> in a short window. GCRA never allows more than {@code burst}.</li>
 *   <li>There is no separate burst: limits must have {@code burst == permits} (and at most
 *       {@link Integer#MAX_VALUE} permits), other limits are rejected with {@link IllegalArgumentException}.</li>
 *   <li>{@code retryAfter} is resilience4j's estimate when no permit is left, and the full period (an upper bound)
 *       when some but not enough are left: resilience4j does not expose the cycle boundary.
 *       {@code resetAfter} is 0 when full and otherwise the same estimate.</li>
 *   <li>Its clock is {@link System#nanoTime()}; it cannot be injected.</li>
 *   <li>Evicting a subject forgets its cycle: that subject starts over with full permits.</li>
 * </ul>
 * All-or-nothing over several limits, cost 0 peeks, denied-consumes-nothing and cost-above-limit (denied with
 * {@link io.twisterlab.ratelimit.Decision#NEVER}) hold as in the SPI contract: decisions for one subject are
 * serialised by a per-subject lock.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.of(Resilience4jStore.builder().maxSubjects(10_000).build());
 * Decision d = limiter.decide("user-7", 1, Limit.parse("100/1m"));
 * }</pre>
 */
public interface Resilience4jStore extends RateLimitStore {

    /** The default cap on tracked subjects. */
    int DEFAULT_MAX_SUBJECTS = 10_000;

    /** @return a builder with {@value #DEFAULT_MAX_SUBJECTS} subjects */
    static Builder builder() {
        return new Builder();
    }

    /** @return the number of subjects currently tracked, at most the configured cap */
    int trackedSubjects();

    /** Builds a {@link Resilience4jStore}. */
    final class Builder {
        private int maxSubjects = DEFAULT_MAX_SUBJECTS;
        private String name = "resilience4j";

        Builder() {
        }

        /**
         * @param maxSubjects the cap on tracked subjects (least recently used are evicted), at least 1
         * @return this builder
         */
        public Builder maxSubjects(int maxSubjects) {
            if (maxSubjects < 1) {
                throw new IllegalArgumentException("maxSubjects must be positive, got " + maxSubjects);
            }
            this.maxSubjects = maxSubjects;
            return this;
        }

        /**
         * @param name the store name for logs and metrics (default {@code resilience4j})
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** @return the store */
        public Resilience4jStore build() {
            return new FixedCycleStore(name, maxSubjects);
        }
    }
}
