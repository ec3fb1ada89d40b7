package io.twisterlab.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.KillArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.DecisionListener;
import io.twisterlab.ratelimit.Limit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis store on a real 3-master Redis Cluster with the bundled server's settings (its default
 * {@code ratelimit.redis_timeout_ms}, 200 ms, instead of the library's 50 ms: this 2-core machine runs three masters
 * and other builds, at load averages of 20 to 30, where 50 ms replies are missed in steady state already): two stores (two instances of a service)
 * share exact limits for subjects whose keys live on different masters, and a slot moved during traffic causes no
 * store error.
 */
class RedisClusterStoreIT {

    private static final Limit HOURLY = Limit.of("hourly", 40, Duration.ofHours(1));
    private static final Limit PER_MINUTE = Limit.of("per-minute", 25, Duration.ofMinutes(1));
    /** The server's default {@code ratelimit.redis_timeout_ms}. */
    private static final Duration SERVER_TIMEOUT = Duration.ofMillis(200);

    private RedisClusterProcess cluster;
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final DecisionListener listener = new DecisionListener() {
        @Override
        public void onStoreError(String store, Throwable error) {
            errors.add(error);
        }
    };

    @BeforeEach
    void start() {
        cluster = RedisClusterProcess.start(3);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    /** Two subjects per master: their hash-tagged keys land in slots served by each of the three masters. */
    private List<String> subjectsOnEveryMaster() {
        List<String> subjects = new ArrayList<>();
        Map<Integer, Integer> perMaster = new HashMap<>();
        for (int i = 0; subjects.size() < 6; i++) {
            String subject = "client-" + i;
            int port = cluster.portOwning(RedisClusterProcess.slotOf("{" + subject + "}"));
            if (perMaster.merge(port, 1, Integer::sum) <= 2) {
                subjects.add(subject);
            }
        }
        assertThat(perMaster.keySet()).containsExactlyInAnyOrderElementsOf(cluster.ports());
        return subjects;
    }

    @Test
    void twoStoresShareExactSingleAndMultiLimitsForClientsOnEveryMaster() throws Exception {
        List<String> subjects = subjectsOnEveryMaster();
        try (RedisStore a = RedisStore.builder(cluster.seedUri()).timeout(SERVER_TIMEOUT).listener(listener).build();
             RedisStore b = RedisStore.builder(cluster.seedUri()).timeout(SERVER_TIMEOUT).listener(listener).build()) {
            Map<String, AtomicLong> singleAllowed = new ConcurrentHashMap<>();
            Map<String, AtomicLong> multiAllowed = new ConcurrentHashMap<>();
            AtomicLong degraded = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    RedisStore store = t % 2 == 0 ? a : b;
                    work.add(pool.submit(() -> {
                        for (int round = 0; round < 15; round++) {
                            for (String subject : subjects) {
                                Decision single = store.decide(subject, 1, List.of(HOURLY));
                                Decision multi = store.decide("multi-" + subject, 1, List.of(HOURLY, PER_MINUTE));
                                for (Decision d : List.of(single, multi)) {
                                    if (d.degraded()) {
                                        degraded.incrementAndGet();
                                    }
                                }
                                if (single.allowed()) {
                                    singleAllowed.computeIfAbsent(subject, k -> new AtomicLong()).incrementAndGet();
                                }
                                if (multi.allowed()) {
                                    multiAllowed.computeIfAbsent(subject, k -> new AtomicLong()).incrementAndGet();
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(errors).isEmpty();
            assertThat(degraded).hasValue(0);
            // 8 threads x 15 rounds = 120 attempts per subject: exactly the burst is allowed, across both stores
            for (String subject : subjects) {
                assertThat(singleAllowed.get(subject)).as(subject).hasValue(40);
                assertThat(multiAllowed.get(subject)).as("multi " + subject + ": the tighter limit").hasValue(25);
            }
        }
    }

    @Test
    void aSlotMovedDuringTrafficCausesNoStoreError() throws Exception {
        String subject = "migrating";
        int slot = RedisClusterProcess.slotOf("{" + subject + "}");
        // refill negligible (1e6 per 1000 days): remaining counts decisions exactly
        Limit roomy = Limit.of("roomy", 1_000_000, Duration.ofDays(1000));
        Limit roomyToo = Limit.of("roomy-too", 2_000_000, Duration.ofDays(1000));
        try (RedisStore store = RedisStore.builder(cluster.seedUri()).timeout(SERVER_TIMEOUT).listener(listener).build()) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong decisions = new AtomicLong();
            AtomicLong degraded = new AtomicLong();
            Set<Long> remainingSeen = ConcurrentHashMap.newKeySet();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> work = new ArrayList<>();
            try {
                for (int t = 0; t < 4; t++) {
                    work.add(pool.submit(() -> {
                        while (running.get()) {
                            Decision d = store.decide(subject, 1, List.of(roomy, roomyToo));
                            decisions.incrementAndGet();
                            if (d.degraded()) {
                                degraded.incrementAndGet();
                            } else if (!remainingSeen.add(d.remaining())) {
                                throw new AssertionError("two decisions saw remaining " + d.remaining());
                            }
                        }
                        return null;
                    }));
                }
                awaitDecisions(decisions, 200);
                Set<Integer> owners = new HashSet<>();
                List<String> phases = new ArrayList<>();
                for (int move = 0; move < 2; move++) {
                    int from = cluster.portOwning(slot);
                    owners.add(from);
                    int to = cluster.ports().stream().filter(p -> p != from).findFirst().orElseThrow();
                    RedisClusterProcess.SlotMigration migration = cluster.beginSlotMigration(slot, to);
                    awaitDecisions(decisions, 200); // MIGRATING/IMPORTING, key still on the source
                    phases.add("migrating: " + errors.size());
                    migration.moveKeys(Integer.MAX_VALUE);
                    awaitDecisions(decisions, 200); // key on the target: ASK redirects
                    phases.add("keys moved (ASK): " + errors.size());
                    migration.finish();
                    awaitDecisions(decisions, 200); // MOVED, then the refreshed topology
                    phases.add("slot moved (MOVED): " + errors.size());
                }
                System.out.println("store errors after each phase: " + phases);
                assertThat(owners).hasSize(2);
            } finally {
                running.set(false);
                for (Future<?> f : work) {
                    f.get(30, TimeUnit.SECONDS);
                }
                pool.shutdownNow();
            }
            assertThat(errors).isEmpty();
            assertThat(degraded).hasValue(0);
            Decision last = store.decide(subject, 0, List.of(roomy));
            assertThat(last.remaining()).as("every decision counted once, across both moves")
                    .isEqualTo(1_000_000 - decisions.get());
        }
    }

    /**
     * The store's disconnected behaviour ({@code REJECT_COMMANDS}): a decision that finds its node's connection down
     * gets the failure policy's answer and is never sent later. The owning master drops every client and pauses
     * for 500 ms, so the store's reconnect hangs in its handshake meanwhile; a store that buffered commands while
     * disconnected ({@code ACCEPT_COMMANDS}) would send them once the pause ends, after their callers got the
     * fallback answer, and the stored state would count them.
     */
    @Test
    void aDecisionAnsweredByThePolicyWhileDisconnectedIsNeverAppliedLater() {
        String subject = "disconnected";
        Limit roomy = Limit.of("roomy", 1_000_000, Duration.ofDays(1000)); // remaining counts decisions exactly
        int owner = cluster.ports().indexOf(cluster.portOwning(RedisClusterProcess.slotOf("{" + subject + "}")));
        try (RedisStore store = RedisStore.builder(cluster.seedUri()).timeout(SERVER_TIMEOUT).listener(listener).build()) {
            long before = settledRemaining(store, subject, roomy);
            RedisCommands<String, String> node = cluster.node(owner);
            node.multi();
            node.clientKill(KillArgs.Builder.typeNormal().skipme());
            node.clientPause(500);
            node.exec();
            int degraded = 0;
            int applied = 0;
            for (int i = 0; i < 10; i++) {
                Decision d = store.decide(subject, 1, List.of(roomy));
                if (d.degraded()) {
                    degraded++;
                } else {
                    applied++;
                }
            }
            assertThat(degraded).as("decisions the policy answered while the node was unreachable").isPositive();
            assertThat(errors).isNotEmpty();
            node.ping(); // answered once the pause is over
            assertThat(settledRemaining(store, subject, roomy))
                    .as("only the %d decisions Redis answered are counted, none of the %d the policy answered",
                            applied, degraded)
                    .isEqualTo(before - applied);
        }
    }

    /** The subject's remaining count, read (cost 0) once the store answers from Redis again. */
    private static long settledRemaining(RedisStore store, String subject, Limit limit) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Decision peek = store.decide(subject, 0, List.of(limit));
            if (!peek.degraded()) {
                return peek.remaining();
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the store did not answer from Redis again within 30 s");
    }

    private static void awaitDecisions(AtomicLong decisions, long more) {
        long target = decisions.get() + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (decisions.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("traffic stalled at " + decisions.get() + " decisions");
            }
            Thread.onSpinWait();
        }
    }
}
