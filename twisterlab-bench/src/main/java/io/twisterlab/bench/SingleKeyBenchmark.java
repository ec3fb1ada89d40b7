package io.twisterlab.bench;

import com.google.common.util.concurrent.RateLimiter;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import io.twisterlab.ratelimit.CoarseTicker;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.Ticker;
import io.twisterlab.ratelimit.memory.MemoryStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One subject, one limit, shared by every benchmark thread (uncontended with {@code -t 1}, contended with
 * {@code -t 2} and more): our in-memory store against Bucket4j's lock-free bucket, resilience4j's
 * {@code AtomicRateLimiter} (timeout 0), Guava's {@code RateLimiter.tryAcquire()} and a bare
 * {@link System#nanoTime()} (every limiter reads the clock once per decision: that is the floor).
 *
 * <p>The {@code _coarseClock} variants give our store and Bucket4j the same opt-in
 * {@link Ticker#coarse(Duration) coarse ticker} (a field refreshed every {@value #COARSE_MICROS} µs by one thread)
 * instead of {@code System.nanoTime()}: what each library costs without the clock read, compared on equal terms.
 *
 * <p>Run: {@code java -jar twisterlab-bench/target/benchmarks.jar SingleKey -t 1 -prof gc} (and {@code -t 2}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
@State(Scope.Benchmark)
public class SingleKeyBenchmark {

    /** {@code OPEN}: the limit is never reached (allowed path); {@code EXHAUSTED}: almost every call is denied. */
    @Param({"OPEN"})
    public Peers.Regime regime;

    private final String subject = "10.0.0.7";
    private MemoryStore store;
    private Limit limit;
    private Bucket bucket;
    private AtomicRateLimiter resilience4j;
    private RateLimiter guava;
    private CoarseTicker coarseClock;
    private MemoryStore coarseStore;
    private Bucket coarseBucket;

    /** Resolution of the coarse clock: the finest {@link CoarseTicker} accepts (the open limit is 100 µs). */
    static final int COARSE_MICROS = 10;

    /** Builds every peer with the same configuration. */
    @Setup(Level.Trial)
    public void setUp() {
        store = MemoryStore.builder().maxKeys(1_000).build();
        limit = Peers.limit(regime, "bench");
        bucket = Peers.bucket4j(regime);
        resilience4j = Peers.resilience4j(regime);
        guava = Peers.guava(regime);
        coarseClock = Ticker.coarse(Duration.ofNanos(COARSE_MICROS * 1_000L));
        coarseStore = MemoryStore.builder().maxKeys(1_000).ticker(coarseClock).build();
        coarseBucket = Peers.bucket4j(regime, Peers.timeMeter(coarseClock));
        // Track the subject before measuring, as every peer holds its state before the first call.
        store.tryAcquire(subject, 1, limit);
        coarseStore.tryAcquire(subject, 1, limit);
    }

    /** Releases the stores and the coarse clock. */
    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
        coarseStore.close();
        coarseClock.close();
    }

    /** @return the clock reading every limiter pays for */
    @Benchmark
    public long baseline_nanoTime() {
        return System.nanoTime();
    }

    /** @return remaining permits, or a negative encoded retry-after: the allocation-free form */
    @Benchmark
    public long twisterlab_tryAcquire() {
        return store.tryAcquire(subject, 1, limit);
    }

    /** @return the full decision (one {@code Decision} allocated, like Bucket4j's probe) */
    @Benchmark
    public Decision twisterlab_decide() {
        return store.decide(subject, 1, limit);
    }

    /** @return as {@link #twisterlab_tryAcquire()}, on the coarse clock */
    @Benchmark
    public long twisterlab_tryAcquire_coarseClock() {
        return coarseStore.tryAcquire(subject, 1, limit);
    }

    /** @return as {@link #bucket4j_tryConsumeAndReturnRemaining()}, on the same coarse clock */
    @Benchmark
    public ConsumptionProbe bucket4j_tryConsumeAndReturnRemaining_coarseClock() {
        return coarseBucket.tryConsumeAndReturnRemaining(1);
    }

    /** @return Bucket4j's probe: consumed, remaining, nanos to wait */
    @Benchmark
    public ConsumptionProbe bucket4j_tryConsumeAndReturnRemaining() {
        return bucket.tryConsumeAndReturnRemaining(1);
    }

    /** @return whether resilience4j granted a permission without waiting */
    @Benchmark
    public boolean resilience4j_acquirePermission() {
        return resilience4j.acquirePermission();
    }

    /** @return whether Guava granted a permit without waiting */
    @Benchmark
    public boolean guava_tryAcquire() {
        return guava.tryAcquire();
    }
}
