package io.twisterlab.ratelimit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * <b>Opt-in</b> coarse clock: {@link #read()} returns a {@link System#nanoTime()} reading that one daemon thread
 * refreshes every {@link #resolution()}, so a decision reads a field instead of the clock (the clock is about
 * 25 ns per call on some virtual machines, more than half of an in-memory decision).
 *
 * <p>The price is precision: a reading is up to one resolution (plus any scheduling delay of the refresher
 * thread) behind real time. A stale reading only ever makes a limit stricter (less time has passed, fewer permits
 * have been earned), never more permissive; but a limit whose emission interval is close to the resolution would
 * be visibly wrong, so stores reject limits whose emission interval is below {@value #MIN_INTERVAL_FACTOR}× the
 * resolution ({@link #check(Limit)}, called when a store first sees a limit). Not the default: use it only for
 * limits far coarser than the resolution (e.g. a resolution of 100 µs for limits of at most 1,000 per second).
 *
 * <p>{@link #close()} stops the refresher thread; afterwards {@link #read()} falls back to
 * {@link System#nanoTime()}, so a store still using it stays correct.
 *
 * <pre>{@code
 * CoarseTicker clock = Ticker.coarse(Duration.ofNanos(100_000));   // 100 µs
 * MemoryStore store = MemoryStore.builder().ticker(clock).build();
 * ...
 * store.close();
 * clock.close();
 * }</pre>
 */
public final class CoarseTicker implements Ticker, AutoCloseable {

    /** A limit's emission interval must be at least this many resolutions. */
    public static final int MIN_INTERVAL_FACTOR = 10;
    /** The finest resolution accepted. */
    public static final Duration MIN_RESOLUTION = Duration.ofNanos(10_000);
    /** The coarsest resolution accepted. */
    public static final Duration MAX_RESOLUTION = Duration.ofSeconds(1);

    private final Duration resolution;
    private final long resolutionNanos;
    private final Thread refresher;
    private volatile long now;
    private volatile boolean closed;

    CoarseTicker(Duration resolution) {
        Objects.requireNonNull(resolution, "resolution");
        if (resolution.compareTo(MIN_RESOLUTION) < 0 || resolution.compareTo(MAX_RESOLUTION) > 0) {
            throw new IllegalArgumentException("coarse ticker resolution must be between " + MIN_RESOLUTION.toNanos()
                    / 1000 + " µs and " + MAX_RESOLUTION.toMillis() + " ms, got " + resolution);
        }
        this.resolution = resolution;
        this.resolutionNanos = resolution.toNanos();
        this.now = System.nanoTime();
        this.refresher = new Thread(this::refresh, "twisterlab-coarse-ticker");
        this.refresher.setDaemon(true);
        this.refresher.start();
    }

    private void refresh() {
        while (!closed) {
            now = System.nanoTime();
            LockSupport.parkNanos(this, resolutionNanos);
        }
    }

    /** @return the last refreshed reading (after {@link #close()}: {@link System#nanoTime()}) */
    @Override
    public long read() {
        long t = now;
        return closed ? System.nanoTime() : t;
    }

    /** @return the refresh period */
    public Duration resolution() {
        return resolution;
    }

    /**
     * @param limit a limit to be decided with this ticker
     * @throws IllegalArgumentException if its emission interval is below {@value #MIN_INTERVAL_FACTOR}× the
     *                                  resolution
     */
    public void check(Limit limit) {
        long interval = limit.emissionIntervalNanos();
        if (interval / MIN_INTERVAL_FACTOR < resolutionNanos) {
            throw new IllegalArgumentException("limit '" + limit.id() + "' has an emission interval of "
                    + Duration.ofNanos(interval) + ", below " + MIN_INTERVAL_FACTOR + "× the coarse ticker's "
                    + "resolution of " + resolution + ": use a finer resolution or the system ticker");
        }
    }

    /** @return whether the refresher thread is still running */
    public boolean running() {
        return refresher.isAlive();
    }

    /** Stops the refresher thread; idempotent. Later readings come from {@link System#nanoTime()}. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(refresher);
    }

    @Override
    public String toString() {
        return "CoarseTicker[" + resolution + (closed ? ", closed]" : "]");
    }
}
