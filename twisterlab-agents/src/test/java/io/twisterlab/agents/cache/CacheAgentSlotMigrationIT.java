package io.twisterlab.agents.cache;

import static io.twisterlab.agents.cache.CacheBehaviour.ok;
import static io.twisterlab.agents.cache.CacheBehaviour.redisAgent;
import static io.twisterlab.agents.cache.CacheBehaviour.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.AgentResponse;
import io.twisterlab.ratelimit.redis.RedisClusterProcess;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The cache agent on a real 3-master Redis Cluster while the slot its keys live in is moved, step by step
 * ({@link RedisClusterProcess#beginSlotMigration}: {@code MIGRATING}/{@code IMPORTING}, {@code MIGRATE} in batches,
 * {@code SETSLOT NODE}), to another master and back, with the defaults users get ({@code cache.backend=redis},
 * {@code redis.url=redis-cluster://…}). Writers ({@code cache_set}) on one agent, readers ({@code cache_get}) and a
 * lister ({@code cache_keys}) on another run throughout. Every call succeeds; a read returns at least the last
 * acknowledged write and never one not yet started (nothing lost, nothing stale); a TTL moves with its key; a
 * listing never holds a key twice nor a key that does not exist. A listing taken while keys move may miss a moving
 * key ({@code cache_keys} SCANs the masters one after the other: a key that moves from a master not yet scanned to
 * one already scanned is seen on neither; the test counts such listings); once the slot is assigned, every listing
 * holds every key exactly once.
 */
class CacheAgentSlotMigrationIT {

    private static final int KEYS_IN_SLOT = 30;
    private static final int WRITERS = 3;
    private static final int READERS = 2;

    /** What the load threads saw; every field is written by them and read by the test thread at the end. */
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong listings = new AtomicLong();
    private final AtomicLong incompleteListings = new AtomicLong();

    @Test
    @SuppressWarnings("unchecked")
    void keysOfAMigratingSlotStayWritableReadableAndListedAtMostOnce() throws Exception {
        String namespace = "mig:" + System.nanoTime() + ":";
        try (RedisClusterProcess cluster = RedisClusterProcess.start(3)) {
            // keys "{m}:i" share the slot of "m" (the hash tag inside the key, the namespace has none); a few more
            // keys elsewhere make the listing span every master
            int slot = RedisClusterProcess.slotOf(namespace + "{m}:0");
            List<String> inSlot = new ArrayList<>();
            for (int i = 0; i < KEYS_IN_SLOT; i++) {
                inSlot.add("{m}:" + i);
            }
            List<String> elsewhere = new ArrayList<>();
            Set<Integer> mastersUsed = new HashSet<>();
            for (int i = 0; mastersUsed.size() < 3 || elsewhere.size() < 6; i++) {
                String key = "other-" + i;
                if (RedisClusterProcess.slotOf(namespace + key) != slot) {
                    elsewhere.add(key);
                    mastersUsed.add(cluster.portOwning(RedisClusterProcess.slotOf(namespace + key)));
                }
            }
            Set<String> all = new HashSet<>(inSlot);
            all.addAll(elsewhere);
            CacheAgent writer = redisAgent(cluster.seedUri(), namespace);
            CacheAgent reader = redisAgent(cluster.seedUri(), namespace);
            try {
                AtomicLongArray started = new AtomicLongArray(KEYS_IN_SLOT);
                AtomicLongArray acknowledged = new AtomicLongArray(KEYS_IN_SLOT);
                for (String key : elsewhere) {
                    ok(writer, "cache_set", Map.of("key", key, "value", 0));
                }
                for (String key : inSlot) {
                    ok(writer, "cache_set", Map.of("key", key, "value", 0, "ttl_seconds", 3600));
                }
                AtomicBoolean running = new AtomicBoolean(true);
                ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS + 1);
                List<Future<?>> load = new ArrayList<>();
                for (int t = 0; t < WRITERS; t++) {
                    int first = t;
                    load.add(pool.submit(() -> write(writer, first, started, acknowledged, running)));
                }
                for (int t = 0; t < READERS; t++) {
                    load.add(pool.submit(() -> read(reader, started, acknowledged, running)));
                }
                load.add(pool.submit(() -> list(reader, all, running)));
                List<String> phases = new ArrayList<>();
                try {
                    awaitCalls(100);
                    int home = cluster.portOwning(slot);
                    int away = cluster.ports().stream().filter(p -> p != home).findFirst().orElseThrow();
                    for (int target : List.of(away, home)) {
                        RedisClusterProcess.SlotMigration migration = cluster.beginSlotMigration(slot, target);
                        awaitCalls(100); // MIGRATING/IMPORTING: every key still on the source
                        migration.moveKeys(KEYS_IN_SLOT / 2);
                        awaitCalls(100); // half the keys on the target: ASK for those
                        migration.finish();
                        awaitCalls(100); // slot assigned: MOVED, then the refreshed topology
                        assertThat(cluster.portOwning(slot)).isEqualTo(target);
                        Map<String, Object> after = ok(reader, "cache_keys", Map.of("limit", 1000));
                        assertThat((List<String>) after.get("keys")).as("every key once, after the move to %s", target)
                                .hasSize(all.size()).containsExactlyInAnyOrderElementsOf(all);
                        phases.add("to " + target + ": " + failures.size() + " failures, " + incompleteListings.get()
                                + " of " + listings.get() + " listings incomplete");
                    }
                } finally {
                    running.set(false);
                    for (Future<?> f : load) {
                        f.get(30, TimeUnit.SECONDS);
                    }
                    pool.shutdownNow();
                }
                System.out.printf("cache agent during 2 slot moves: %d calls; %s%n", calls.get(), phases);
                assertThat(failures).as("calls that failed or read a lost or stale value").isEmpty();
                for (int i = 0; i < KEYS_IN_SLOT; i++) {
                    Map<String, Object> got = ok(reader, "cache_get", Map.of("key", inSlot.get(i)));
                    assertThat(((Number) got.get("value")).longValue()).as("last write of %s", inSlot.get(i))
                            .isEqualTo(acknowledged.get(i)).isPositive();
                    assertThat(((Number) got.get("ttl")).longValue()).as("ttl of %s moved with it", inSlot.get(i))
                            .isBetween(1L, 3600L);
                }
            } finally {
                writer.stop();
                reader.stop();
            }
        }
    }

    /** Sets keys {@code first}, {@code first + WRITERS}, … to 1, 2, 3, … in turn. */
    private Void write(CacheAgent agent, int first, AtomicLongArray started, AtomicLongArray acknowledged,
                       AtomicBoolean running) {
        for (long round = 1; running.get(); round++) {
            for (int i = first; i < KEYS_IN_SLOT; i += WRITERS) {
                started.set(i, round);
                AgentResponse r = run(agent, "cache_set", Map.of("key", "{m}:" + i, "value", round, "ttl_seconds", 3600));
                calls.incrementAndGet();
                if (r.success()) {
                    acknowledged.set(i, round);
                } else {
                    failures.add("cache_set {m}:" + i + ": " + r.error());
                }
            }
        }
        return null;
    }

    /** Reads every key in turn: found, and between the last acknowledged write and the last started one. */
    private Void read(CacheAgent agent, AtomicLongArray started, AtomicLongArray acknowledged, AtomicBoolean running) {
        while (running.get()) {
            for (int i = 0; i < KEYS_IN_SLOT; i++) {
                long atLeast = acknowledged.get(i);
                AgentResponse r = run(agent, "cache_get", Map.of("key", "{m}:" + i));
                long atMost = started.get(i);
                calls.incrementAndGet();
                if (!r.success()) {
                    failures.add("cache_get {m}:" + i + ": " + r.error());
                    continue;
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> data = (Map<String, Object>) r.data();
                Object value = data.get("value");
                if (!(value instanceof Number n) || n.longValue() < atLeast || n.longValue() > atMost) {
                    failures.add("cache_get {m}:" + i + " read " + data + ", expected between " + atLeast + " and "
                            + atMost);
                }
            }
        }
        return null;
    }

    /** Lists every key: never one twice, never one that does not exist; counts the listings that miss some. */
    private Void list(CacheAgent agent, Set<String> all, AtomicBoolean running) {
        while (running.get()) {
            AgentResponse r = run(agent, "cache_keys", Map.of("limit", 1000));
            calls.incrementAndGet();
            if (!r.success()) {
                failures.add("cache_keys: " + r.error());
                continue;
            }
            @SuppressWarnings("unchecked")
            List<String> keys = (List<String>) ((Map<String, Object>) r.data()).get("keys");
            Set<String> distinct = new HashSet<>(keys);
            if (distinct.size() != keys.size() || !all.containsAll(distinct)) {
                failures.add("cache_keys listed " + keys);
            }
            listings.incrementAndGet();
            if (distinct.size() < all.size()) {
                incompleteListings.incrementAndGet();
            }
        }
        return null;
    }

    private void awaitCalls(long more) {
        long target = calls.get() + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (calls.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("traffic stalled at " + calls.get() + " calls; failures: " + failures);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
