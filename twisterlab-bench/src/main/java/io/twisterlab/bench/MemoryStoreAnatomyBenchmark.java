package io.twisterlab.bench;

import io.twisterlab.ratelimit.Limit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The parts of one in-memory decision, one by one, to find where the nanoseconds above the clock go (the store does,
 * per call: read the ticker, look the {@link Limit} up in a {@code ConcurrentHashMap} — {@link Limit#hashCode()} and
 * {@link Limit#equals(Object)} — look the subject up in the limit's map, one CAS, one 64-bit division for the
 * remaining permits). Single-threaded; not a comparison with peers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class MemoryStoreAnatomyBenchmark {

    private final Limit limit = Peers.limit(Peers.Regime.OPEN, "bench");
    private final Limit equalCopy = Peers.limit(Peers.Regime.OPEN, "bench");
    private final String subject = "10.0.0.7";
    private final ConcurrentHashMap<Limit, Object> tables = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> cells = new ConcurrentHashMap<>();
    private final AtomicLong cell = new AtomicLong();
    private long interval = 1000; // not final: the store reads it from a field
    private long x = 123_456_789_012L;
    private long tolerance = Long.MAX_VALUE / 4; // never reached

    {
        tables.put(limit, new Object());
        cells.put(subject, cell);
    }

    /** @return the hash every decision computes for the table lookup (not cached: records have no extra fields) */
    @Benchmark
    public int limitHashCode() {
        return limit.hashCode();
    }

    /** @return the table lookup by a limit equal to, but not the same instance as, the stored key */
    @Benchmark
    public Object limitTableLookup() {
        return tables.get(equalCopy);
    }

    /** @return the table lookup by the very instance stored (CHM compares references first: no equals call) */
    @Benchmark
    public Object limitTableLookupSameInstance() {
        return tables.get(limit);
    }

    /**
     * What a decision on a cell the caller already holds would cost (no limit or subject lookup): clock, GCRA step
     * with one CAS, remaining-permits division. The floor of any API that keeps the two map lookups out of the hot
     * path (for example a handle bound to one limit), and what Bucket4j's single-key benchmark measures for Bucket4j.
     *
     * @return the remaining permits
     */
    @Benchmark
    public long boundCellDecision() {
        return GcraStep.take(cell, System.nanoTime(), interval, tolerance, false);
    }

    /** @return the subject lookup (String hash cached) */
    @Benchmark
    public AtomicLong subjectLookup() {
        return cells.get(subject);
    }

    /** @return one uncontended CAS, as on the allowed path */
    @Benchmark
    public boolean cas() {
        long v = cell.get();
        return cell.compareAndSet(v, v + 1);
    }

    /** @return the 64-bit division computing the remaining permits */
    @Benchmark
    public long remainingDivision() {
        return (x += 7) / interval;
    }
}
