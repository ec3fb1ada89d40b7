package io.twisterlab.agents.database;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels statements on a database in this JVM before they exhaust the heap. H2 materialises some results entirely
 * in memory before the first row is read (a recursive common table expression keeps every row in memory, and never
 * spills to disk), so neither the row limit nor the byte bound stops them, and a heap exhausted before the deadline
 * is an {@link OutOfMemoryError} for the whole server and a closed database.
 *
 * <p>While statements run, the guard reads the heap every {@value #INTERVAL_MS} ms: the fullest heap pool that
 * holds long-lived objects (the old generation), as a fraction of its maximum. A statement is cancelled when that
 * reading is at or above the threshold and has grown by at least {@value #MIN_GROWTH} since its lowest value while
 * the statement ran: the statements that ran while the heap filled, not a statement started after a cancellation,
 * while the cancelled statement's rows still wait for the garbage collector.
 */
final class HeapGuard {
    /** The default threshold: 80% of the old generation. */
    static final double DEFAULT_THRESHOLD = 0.8;
    static final long INTERVAL_MS = 50;
    static final double MIN_GROWTH = 0.05;
    private static final Logger LOG = LoggerFactory.getLogger(HeapGuard.class);
    private static final List<MemoryPoolMXBean> OLD_POOLS = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP && pool.isUsageThresholdSupported()).toList();

    private final ScheduledExecutorService timer;
    private final DoubleSupplier usage;
    private final double threshold;
    /** The lowest reading while each watched statement ran. */
    private final Map<StatementWatchdog.Watch, Double> running = new HashMap<>();
    private @Nullable ScheduledFuture<?> ticking;

    /**
     * How the guard reads the heap.
     *
     * @param usage     the fraction (0 to 1) of the heap in use by long-lived objects
     * @param threshold the reading at which statements are cancelled
     */
    record Settings(DoubleSupplier usage, double threshold) {
        /** The old generation of this JVM and {@link #DEFAULT_THRESHOLD}. */
        static Settings defaults() {
            return new Settings(HeapGuard::oldGenerationUsage, DEFAULT_THRESHOLD);
        }
    }

    HeapGuard(ScheduledExecutorService timer, Settings settings) {
        this.timer = timer;
        this.usage = settings.usage();
        this.threshold = settings.threshold();
    }

    synchronized void add(StatementWatchdog.Watch watch) {
        running.put(watch, usage.getAsDouble());
        if (ticking == null) {
            ticking = timer.scheduleAtFixedRate(this::check, INTERVAL_MS, INTERVAL_MS, TimeUnit.MILLISECONDS);
        }
    }

    synchronized void remove(StatementWatchdog.Watch watch) {
        running.remove(watch);
        ScheduledFuture<?> t = ticking;
        if (running.isEmpty() && t != null) {
            t.cancel(false);
            ticking = null;
        }
    }

    private void check() {
        double now = usage.getAsDouble();
        List<StatementWatchdog.Watch> cancel = new ArrayList<>();
        synchronized (this) {
            for (Map.Entry<StatementWatchdog.Watch, Double> entry : running.entrySet()) {
                double lowest = Math.min(entry.getValue(), now);
                entry.setValue(lowest);
                if (now >= threshold && now - lowest >= MIN_GROWTH && entry.getKey().reason() == null) {
                    cancel.add(entry.getKey());
                }
            }
        }
        if (!cancel.isEmpty()) {
            LOG.warn("database: the heap is {}% full; cancelling {} running statement(s)", Math.round(now * 100),
                    cancel.size());
        }
        for (StatementWatchdog.Watch watch : cancel) {
            watch.cancel(StatementWatchdog.Reason.MEMORY);
        }
    }

    /**
     * The fullest heap pool that supports a usage threshold, as a fraction of its maximum: the old generation
     * (G1, Parallel, Serial) or the single heap of ZGC and Shenandoah; the young pools, which every collection
     * empties, support none. The whole heap if no pool does.
     */
    static double oldGenerationUsage() {
        double fullest = -1;
        for (MemoryPoolMXBean pool : OLD_POOLS) {
            if (pool.isValid()) {
                fullest = Math.max(fullest, fraction(pool.getUsage()));
            }
        }
        return fullest >= 0 ? fullest : fraction(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage());
    }

    private static double fraction(MemoryUsage usage) {
        long max = usage.getMax() > 0 ? usage.getMax() : Runtime.getRuntime().maxMemory();
        return (double) usage.getUsed() / max;
    }
}
