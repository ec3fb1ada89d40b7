package io.twisterlab.bench;

import com.google.common.util.concurrent.RateLimiter;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.Ticker;
import java.time.Duration;

/**
 * One configuration, expressed in each library's terms, so that every peer decides the same thing.
 *
 * <p>Two regimes:
 * <ul>
 *   <li>{@link Regime#OPEN}: 10,000 permits per second with a burst of 2^40 — the limit is never reached during a
 *       run (an emission interval of 100 µs, so a {@link io.twisterlab.ratelimit.CoarseTicker} of 10 µs may decide it), so every decision takes the <em>allowed</em> path (state is written on every call). This is the
 *       headline: most real traffic is allowed.</li>
 *   <li>{@link Regime#EXHAUSTED}: 1,000 per second, burst 1,000 — exhausted within the first milliseconds, so almost
 *       every decision takes the <em>denied</em> path (the 429 path).</li>
 * </ul>
 * resilience4j has no burst: its cycle is 1 s with {@link Integer#MAX_VALUE} (open) or 1,000 (exhausted) permits, and
 * its timeout is 0 (never waits). Guava's {@code RateLimiter} is {@code create(1e12)} (open) or {@code create(1000)}.
 * Bucket4j uses a greedy refill and nanosecond precision (the same clock as ours; its default is milliseconds) and the
 * lock-free synchronization strategy.
 */
public final class Peers {

    /** Which path the decisions take. */
    public enum Regime {
        /** Limit never reached: the allowed path. */
        OPEN,
        /** Limit exhausted: the denied path. */
        EXHAUSTED
    }

    /** Burst of the open regime: 2^40 permits, at 100 µs per permit within {@link Limit#MAX_TOLERANCE_MICROS}. */
    public static final long OPEN_BURST = 1L << 40;
    /** Permits per second of the open regime. */
    public static final long OPEN_RATE = 10_000L;
    /** Permits per second (and burst) of the exhausted regime. */
    public static final long EXHAUSTED_RATE = 1_000L;

    private Peers() {
    }

    /**
     * @param regime the regime
     * @param id     the limit id
     * @return our limit
     */
    public static Limit limit(Regime regime, String id) {
        return regime == Regime.OPEN
                ? Limit.builder(id).permits(OPEN_RATE).per(Duration.ofSeconds(1)).burst(OPEN_BURST).build()
                : Limit.builder(id).permits(EXHAUSTED_RATE).per(Duration.ofSeconds(1)).build();
    }

    /**
     * @param regime the regime
     * @return the equivalent Bucket4j configuration (one bandwidth)
     */
    public static BucketConfiguration bucket4jConfig(Regime regime) {
        long capacity = regime == Regime.OPEN ? OPEN_BURST : EXHAUSTED_RATE;
        long rate = regime == Regime.OPEN ? OPEN_RATE : EXHAUSTED_RATE;
        return BucketConfiguration.builder()
                .addLimit(l -> l.capacity(capacity).refillGreedy(rate, Duration.ofSeconds(1)))
                .build();
    }

    /**
     * @param regime the regime
     * @return a local lock-free Bucket4j bucket with nanosecond precision
     */
    public static Bucket bucket4j(Regime regime) {
        return bucket4j(regime, TimeMeter.SYSTEM_NANOTIME);
    }

    /**
     * @param regime the regime
     * @param clock  the bucket's clock, in nanoseconds
     * @return a local lock-free Bucket4j bucket reading {@code clock}
     */
    public static Bucket bucket4j(Regime regime, TimeMeter clock) {
        long capacity = regime == Regime.OPEN ? OPEN_BURST : EXHAUSTED_RATE;
        long rate = regime == Regime.OPEN ? OPEN_RATE : EXHAUSTED_RATE;
        return Bucket.builder()
                .addLimit(l -> l.capacity(capacity).refillGreedy(rate, Duration.ofSeconds(1)))
                .withCustomTimePrecision(clock)
                .withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE)
                .build();
    }

    /**
     * @param ticker one of our clocks
     * @return the same clock as a Bucket4j {@code TimeMeter} (monotonic, not wall-clock based)
     */
    public static TimeMeter timeMeter(Ticker ticker) {
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.read();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
    }

    /**
     * @param regime the regime
     * @return the resilience4j configuration (1 s cycle, zero timeout)
     */
    public static RateLimiterConfig resilience4jConfig(Regime regime) {
        return RateLimiterConfig.custom()
                .limitForPeriod(regime == Regime.OPEN ? Integer.MAX_VALUE : (int) EXHAUSTED_RATE)
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO)
                .build();
    }

    /**
     * @param regime the regime
     * @return resilience4j's {@code AtomicRateLimiter} (its default implementation), timeout 0
     */
    public static AtomicRateLimiter resilience4j(Regime regime) {
        return new AtomicRateLimiter("bench", resilience4jConfig(regime));
    }

    /**
     * @param regime the regime
     * @return Guava's smooth-bursty rate limiter
     */
    public static RateLimiter guava(Regime regime) {
        return RateLimiter.create(regime == Regime.OPEN ? 1e12 : EXHAUSTED_RATE);
    }
}
