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
}
