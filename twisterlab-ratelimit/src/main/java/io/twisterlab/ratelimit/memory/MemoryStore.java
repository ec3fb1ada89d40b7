package io.twisterlab.ratelimit.memory;

import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.RateLimitStore;
import io.twisterlab.ratelimit.Ticker;
import java.util.Objects;

/**
 * The in-memory GCRA store: the default, and the local fallback of remote stores.
 *
 * <ul>
 *   <li><b>Lock-free.</b> One {@code AtomicLong} per (limit, subject) holds the theoretical arrival time (TAT, in
 *       nanoseconds); a decision is one compare-and-set loop.</li>
 *   <li><b>No allocation on the hot path.</b> For a subject already tracked, {@link #tryAcquire} allocates
 *       nothing (no boxing, no lambda, no iterator); {@link #decide} allocates only the returned
 *       {@link Decision}.</li>
 *   <li><b>Bounded.</b> At most {@link #maxKeys()} (limit, subject) pairs are tracked. When a new pair would
 *       exceed the cap, the store evicts pairs whose bucket is full again (forgetting them changes nothing);
 *       if that frees less than a tenth of the cap, it also evicts the pairs closest to full, which lets those
 *       subjects start over with a full bucket: a bounded over-admission under a flood of distinct subjects,
 *       in exchange for a heap that never grows past the cap. Creating a new pair may briefly take a lock while
 *       another thread evicts; deciding for a tracked pair never does.</li>
 *   <li><b>Multi-limit.</b> Limits are taken one by one in argument order, each with its own compare-and-set;
 *       if one denies, the permits already taken from the previous ones are given back. A concurrent request
 *       may observe such a tentative consumption and be denied during that window; no request is ever admitted
 *       beyond a limit.</li>
 *   <li><b>Limits are configuration.</b> The store keeps one table per distinct {@link Limit} it has seen (keys
 *       count against the cap, tables do not): create limits once, not per request.</li>
 * </ul>
 *
 * <pre>{@code
 * MemoryStore store = MemoryStore.builder().maxKeys(100_000).build();
 * RateLimiter limiter = RateLimiter.of(store);
 * long r = store.tryAcquire("10.0.0.7", 1, perSecond);  // >= 0: allowed, remaining; < 0: denied
 * }</pre>
 */
public interface MemoryStore extends RateLimitStore {

    /** The default cap on tracked (limit, subject) pairs. */
    int DEFAULT_MAX_KEYS = 100_000;

    /** @return a builder with the defaults: {@value #DEFAULT_MAX_KEYS} keys, {@link Ticker#system()} */
    static Builder builder() {
        return new Builder();
    }

    /**
     * The allocation-free form of {@link #decide(String, long, Limit)}.
     *
     * @param subject who is limited, non-empty
     * @param cost    permits requested, 0 to peek
     * @param limit   the limit
     * @return when allowed, the permits remaining ({@code >= 0}); when denied, {@code -1 - retryAfterNanos}
     *         (so {@code Long.MIN_VALUE} when the cost exceeds the burst); decode with {@link #retryAfterNanos(long)}
     */
    long tryAcquire(String subject, long cost, Limit limit);

    /**
     * Decodes the retry-after of a denied {@link #tryAcquire} result.
     *
     * @param result a negative result of {@link #tryAcquire}
     * @return nanoseconds until the request would conform, or {@link Decision#NEVER}
     */
    static long retryAfterNanos(long result) {
        if (result >= 0) {
            throw new IllegalArgumentException("not a denial: " + result);
        }
        return -1L - result;
    }

    /** @return the number of (limit, subject) pairs currently tracked, never more than {@link #maxKeys()} */
    int trackedKeys();

    /** @return the hard cap on tracked (limit, subject) pairs */
    int maxKeys();

    /** Builds a {@link MemoryStore}. */
    final class Builder {
        private int maxKeys = DEFAULT_MAX_KEYS;
        private Ticker ticker = Ticker.system();
        private String name = "memory";

        Builder() {
        }

        /**
         * @param maxKeys hard cap on tracked (limit, subject) pairs, at least 10
         * @return this builder
         */
        public Builder maxKeys(int maxKeys) {
            if (maxKeys < 10) {
                throw new IllegalArgumentException("maxKeys must be at least 10, got " + maxKeys);
            }
            this.maxKeys = maxKeys;
            return this;
        }

        /**
         * @param ticker the nanosecond time source (inject a fake one in tests; an opt-in
         *               {@link Ticker#coarse(java.time.Duration) coarse ticker} makes decisions cheaper, and the
         *               store then rejects limits whose emission interval is below 10× its resolution)
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * @param name the store name reported to listeners (default {@code memory})
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** @return the store */
        public MemoryStore build() {
            return new GcraMemoryStore(name, maxKeys, ticker);
        }
    }
}
