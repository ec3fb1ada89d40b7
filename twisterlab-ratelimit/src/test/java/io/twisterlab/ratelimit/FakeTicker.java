package io.twisterlab.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that only moves when told to, for tests that never sleep. Reusable from this module's test jar.
 *
 * <pre>{@code
 * FakeTicker time = new FakeTicker();
 * MemoryStore store = MemoryStore.builder().ticker(time).build();
 * time.advance(Duration.ofMillis(100));
 * }</pre>
 */
public final class FakeTicker implements Ticker {

    private final AtomicLong nanos;

    /** Starts at an arbitrary non-zero reading, as {@link System#nanoTime()} would. */
    public FakeTicker() {
        this(1_000_000_000_000L);
    }

    /** @param start the first reading in nanoseconds */
    public FakeTicker(long start) {
        this.nanos = new AtomicLong(start);
    }

    @Override
    public long read() {
        return nanos.get();
    }

    /** @param d how far to move time forward */
    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    /** @param micros how many microseconds to move time forward */
    public void advanceMicros(long micros) {
        nanos.addAndGet(micros * 1000L);
    }
}
