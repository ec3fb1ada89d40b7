package io.twisterlab.bench;

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
 * An experiment on the contended single-key path of the memory store (run with {@code -t 2} or more): the store's
 * layout (the cell {@code AtomicLong} allocated just before its map node, so they probably share a cache line) against
 * a padded cell, and against backing off with {@link Thread#onSpinWait()} after a failed CAS. Same GCRA step as the
 * store (clock, max, add, tolerance check, CAS, remaining division). Not a comparison with peers.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
@State(Scope.Benchmark)
public class ContendedCellBenchmark {

    /** An {@code AtomicLong} followed by 56 bytes of padding. */
    @SuppressWarnings("unused")
    static final class PaddedCell extends AtomicLong {
        private static final long serialVersionUID = 1L;
        long p1, p2, p3, p4, p5, p6, p7;

        PaddedCell(long v) {
            super(v);
        }
    }

    private final String subject = "10.0.0.7";
    private final ConcurrentHashMap<String, AtomicLong> plain = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> padded = new ConcurrentHashMap<>();
    @SuppressWarnings("unused")
    private final byte[] spacer;
    private long interval = 1000;
    private long tolerance = Long.MAX_VALUE / 4;

    /** Builds both maps: the plain cell allocated right before its node (as the store does), the padded one apart. */
    public ContendedCellBenchmark() {
        plain.put(subject, new AtomicLong(System.nanoTime()));
        spacer = new byte[128];
        padded.put(subject, new PaddedCell(System.nanoTime()));
    }

    private long step(ConcurrentHashMap<String, AtomicLong> cells, boolean backOff) {
        return GcraStep.take(cells.get(subject), System.nanoTime(), interval, tolerance, backOff);
    }

    /** @return as the store does today */
    @Benchmark
    public long storeLayout() {
        return step(plain, false);
    }

    /** @return with the cell padded away from its map node */
    @Benchmark
    public long paddedCell() {
        return step(padded, false);
    }

    /** @return store layout, {@code Thread.onSpinWait()} after a failed CAS */
    @Benchmark
    public long storeLayoutSpinWait() {
        return step(plain, true);
    }
}
