package io.twisterlab.ratelimit;

/**
 * A source of monotonic nanoseconds, injected into stores so that tests control time and never sleep.
 *
 * <pre>{@code
 * AtomicLong now = new AtomicLong();
 * RateLimitStore store = MemoryStore.builder().ticker(now::get).build();
 * now.addAndGet(Duration.ofSeconds(1).toNanos());   // time passes, instantly
 * }</pre>
 */
@FunctionalInterface
public interface Ticker {

    /** @return the current reading in nanoseconds; only differences between readings are meaningful */
    long read();

    /** @return the system ticker, {@link System#nanoTime()} */
    static Ticker system() {
        return System::nanoTime;
    }

    /**
     * <b>Opt-in</b> coarse ticker: a reading refreshed every {@code resolution} by one daemon thread, cheaper
     * to read than {@link System#nanoTime()} but up to one resolution stale. Stores reject limits whose emission
     * interval is below {@value CoarseTicker#MIN_INTERVAL_FACTOR}× the resolution. Close it when done.
     *
     * @param resolution the refresh period, between {@link CoarseTicker#MIN_RESOLUTION} and
     *                   {@link CoarseTicker#MAX_RESOLUTION}
     * @return a running coarse ticker
     * @throws IllegalArgumentException if the resolution is out of range
     * @see CoarseTicker
     */
    static CoarseTicker coarse(java.time.Duration resolution) {
        return new CoarseTicker(resolution);
    }
}
