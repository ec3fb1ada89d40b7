package io.twisterlab.bench;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.memory.MemoryStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
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
 * Many subjects (10,000 or 1,000,000), drawn uniformly or Zipf-skewed from a precomputed sequence, every subject
 * already tracked (steady state, not insertion): our in-memory store against Bucket4j buckets in a
 * {@link ConcurrentHashMap} (get, then {@code computeIfAbsent} on a miss) and resilience4j through its
 * {@link RateLimiterRegistry} ({@code registry.rateLimiter(subject).acquirePermission()}). The limit is never reached
 * ({@link Peers.Regime#OPEN}): every call writes its subject's state.
 *
 * <p>Run: {@code java -jar twisterlab-bench/target/benchmarks.jar Keyed -t 1 -prof gc}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Threads(1)
public class KeyedBenchmark {

    /** The subjects and the sequence to decide for; shared by every peer. */
    @State(Scope.Benchmark)
    public static class Keys {
        /** Distinct subjects. */
        @Param({"10000", "1000000"})
        public int subjects;

        /** How subjects are drawn. */
        @Param({"UNIFORM", "ZIPF"})
        public KeySequence.Distribution distribution;

        KeySequence sequence;
        final Limit limit = Peers.limit(Peers.Regime.OPEN, "bench");

        /** Precomputes the sequence (fixed seed). */
        @Setup(Level.Trial)
        public void setUp() {
            sequence = KeySequence.of(subjects, distribution, 1 << 20, 42);
        }
    }

    /** Each thread walks the shared sequence from its own random offset. */
    @State(Scope.Thread)
    public static class Cursor {
        int position;

        /** Picks the starting offset. */
        @Setup(Level.Trial)
        public void setUp() {
            position = ThreadLocalRandom.current().nextInt();
        }

        String next(Keys keys) {
            return keys.sequence.at(position++);
        }
    }

    /** Our memory store with every subject tracked. */
    @State(Scope.Benchmark)
    public static class Ours {
        MemoryStore store;

        /**
         * @param keys the subjects to track
         */
        @Setup(Level.Trial)
        public void setUp(Keys keys) {
            store = MemoryStore.builder().maxKeys(keys.subjects * 2).build();
            for (String s : keys.sequence.subjects()) {
                store.tryAcquire(s, 1, keys.limit);
            }
        }

        /** Releases the store. */
        @TearDown(Level.Trial)
        public void tearDown() {
            store.close();
        }
    }

    /** Bucket4j lock-free buckets in a {@link ConcurrentHashMap}, every subject present. */
    @State(Scope.Benchmark)
    public static class Bucket4jMap {
        final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

        /**
         * @param keys the subjects to track
         */
        @Setup(Level.Trial)
        public void setUp(Keys keys) {
            for (String s : keys.sequence.subjects()) {
                buckets.put(s, Peers.bucket4j(Peers.Regime.OPEN));
            }
        }

        Bucket get(String subject) {
            Bucket b = buckets.get(subject);
            return b != null ? b : buckets.computeIfAbsent(subject, k -> Peers.bucket4j(Peers.Regime.OPEN));
        }
    }

    /** resilience4j's registry, every subject present. */
    @State(Scope.Benchmark)
    public static class Resilience4jRegistry {
        RateLimiterRegistry registry;

        /**
         * @param keys the subjects to track
         */
        @Setup(Level.Trial)
        public void setUp(Keys keys) {
            registry = RateLimiterRegistry.of(Peers.resilience4jConfig(Peers.Regime.OPEN));
            for (String s : keys.sequence.subjects()) {
                registry.rateLimiter(s);
            }
        }
    }

    /**
     * @param keys   the sequence
     * @param cursor this thread's position
     * @param ours   the store
     * @return remaining permits
     */
    @Benchmark
    public long twisterlab_tryAcquire(Keys keys, Cursor cursor, Ours ours) {
        return ours.store.tryAcquire(cursor.next(keys), 1, keys.limit);
    }

    /**
     * @param keys   the sequence
     * @param cursor this thread's position
     * @param b4j    the buckets
     * @return Bucket4j's probe
     */
    @Benchmark
    public ConsumptionProbe bucket4j_chm(Keys keys, Cursor cursor, Bucket4jMap b4j) {
        return b4j.get(cursor.next(keys)).tryConsumeAndReturnRemaining(1);
    }

    /**
     * @param keys   the sequence
     * @param cursor this thread's position
     * @param r4j    the registry
     * @return whether a permission was granted
     */
    @Benchmark
    public boolean resilience4j_registry(Keys keys, Cursor cursor, Resilience4jRegistry r4j) {
        return r4j.registry.rateLimiter(cursor.next(keys)).acquirePermission();
    }
}
