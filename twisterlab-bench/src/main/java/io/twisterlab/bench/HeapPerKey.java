package io.twisterlab.bench;

import io.github.bucket4j.Bucket;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.memory.MemoryStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Heap retained per tracked subject, by a forced-GC heap delta: the subject strings are created first and stay
 * reachable (they belong to the caller in every case), then each peer tracks every subject and the used heap after
 * repeated full GCs is compared with the baseline. Each peer is measured in turn, with the previous one dropped.
 *
 * <p>Run (a plain main, not JMH): {@code java -Xms3g -Xmx3g -cp twisterlab-bench/target/benchmarks.jar
 * io.twisterlab.bench.HeapPerKey 1000000}. Prints a Markdown table.
 */
public final class HeapPerKey {

    private HeapPerKey() {
    }

    /** One measured peer. */
    record Row(String peer, long keys, double bytesPerKey) {
    }

    /**
     * @param args optional number of subjects (default 1,000,000)
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        System.out.println("| peer | tracked keys | heap per key (bytes) |");
        System.out.println("|---|---:|---:|");
        for (Row r : measure(n)) {
            System.out.printf(Locale.ROOT, "| %s | %,d | %.1f |%n", r.peer(), r.keys(), r.bytesPerKey());
        }
    }

    /**
     * @param n subjects to track
     * @return one row per peer
     */
    public static List<Row> measure(int n) {
        String[] subjects = KeySequence.of(n, KeySequence.Distribution.UNIFORM, 1, 1).subjects();
        Limit limit = Peers.limit(Peers.Regime.OPEN, "bench");
        List<Row> rows = new ArrayList<>();
        rows.add(measure("twisterlab memory store", subjects, s -> {
            MemoryStore store = MemoryStore.builder().maxKeys(Math.max(10, n)).build();
            for (String subject : s) {
                store.tryAcquire(subject, 1, limit);
            }
            if (store.trackedKeys() != s.length) {
                throw new IllegalStateException("store tracks " + store.trackedKeys() + " keys, expected " + s.length);
            }
            return store;
        }));
        rows.add(measure("Bucket4j (lock-free) in ConcurrentHashMap", subjects, s -> {
            ConcurrentHashMap<String, Bucket> map = new ConcurrentHashMap<>();
            for (String subject : s) {
                map.computeIfAbsent(subject, k -> Peers.bucket4j(Peers.Regime.OPEN)).tryConsume(1);
            }
            return map;
        }));
        rows.add(measure("resilience4j RateLimiterRegistry", subjects, s -> {
            RateLimiterRegistry registry = RateLimiterRegistry.of(Peers.resilience4jConfig(Peers.Regime.OPEN));
            for (String subject : s) {
                registry.rateLimiter(subject).acquirePermission();
            }
            return registry;
        }));
        return rows; // each measure() keeps subjects reachable until its own reading
    }

    private static Row measure(String peer, String[] subjects, Function<String[], Object> track) {
        long before = usedAfterGc();
        Object held = track.apply(subjects);
        try {
            long after = usedAfterGc();
            return new Row(peer, subjects.length, (after - before) / (double) subjects.length);
        } finally {
            Reference.reachabilityFence(held);
        }
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
