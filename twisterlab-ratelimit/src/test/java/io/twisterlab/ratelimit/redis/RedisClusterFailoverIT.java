package io.twisterlab.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.DecisionListener;
import io.twisterlab.ratelimit.Limit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The Redis store on a real Redis Cluster with replicas ({@link RedisClusterProcess#startWithReplicas(int)}: 3
 * masters, one replica each, {@code cluster-node-timeout} 500 ms) and the library's defaults (50 ms timeout,
 * {@code local-fallback}, the default circuit breaker and topology refresh): one master is killed while 6 threads
 * decide for subjects on every master. The same store, never rebuilt, must decide on the promoted replica again;
 * nothing may throw; no decision may be counted twice; what was acknowledged on the masters that stayed up is kept,
 * and state replicated before the kill ({@code WAIT}) carries over. The test prints what the failover cost: time to
 * promotion and to recovery, decisions taken by the failure policy, and acknowledged decisions the promoted replica
 * does not have (replication is asynchronous and the store does not {@code WAIT}).
 *
 * <p>Recovery with the defaults waits for the circuit breaker (one per store: it opens within milliseconds of the
 * kill, for every subject), so a second store whose breaker never opens decides on one of the killed master's
 * subjects alongside: it shows when Lettuce routes to the promoted replica, which must be within the adaptive
 * topology refresh's bound, not the periodic 30 s refresh (switching the adaptive triggers off in
 * {@code RedisConnections} makes this test fail: 34 s).
 */
class RedisClusterFailoverIT {

    private static final Limit HOURLY = Limit.of("hourly", 40, Duration.ofHours(1));
    /** Refill negligible (1e6 per 1000 days): what remains counts the decisions Redis kept. */
    private static final Limit ROOMY = Limit.of("roomy", 1_000_000, Duration.ofDays(1000));
    private static final int THREADS_PER_MASTER = 2;
    /**
     * Lettuce's adaptive topology refresh as the store sets it up: reconnect delay capped at 1 s, refresh at most once
     * a second after a persistent reconnect; plus two seconds for this loaded 2-core machine (seen: up to 1.5 s in
     * all). Far below the periodic refresh (30 s), which is what the store waits for without the adaptive triggers.
     */
    private static final Duration ADAPTIVE_REFRESH_BOUND = Duration.ofSeconds(4);
    /** The load thread deciding now: the listener is called on the deciding thread. */
    private static final ThreadLocal<Worker> CURRENT = new ThreadLocal<>();

    /** One load thread: its subject and what became of its decisions. */
    private static final class Worker {
        final RedisStore store;
        final String subject;
        final boolean onKilledMaster;
        final AtomicLong acknowledged = new AtomicLong(); // decided by Redis
        final AtomicLong byPolicy = new AtomicLong();     // degraded: decided by the failure policy
        final AtomicLong byPolicyAfterKill = new AtomicLong();
        final AtomicLong storeErrors = new AtomicLong();  // calls that failed (sent or not): may have been applied
        final AtomicLong failed = new AtomicLong();       // threw to the caller
        final AtomicLong acknowledgedAfterRecovery = new AtomicLong();
        volatile long outageAt;                           // first decision by the policy after the kill
        volatile long recoveredAt;                        // first decision by Redis after that

        Worker(RedisStore store, String subject, boolean onKilledMaster) {
            this.store = store;
            this.subject = subject;
            this.onKilledMaster = onKilledMaster;
        }
    }

    @Test
    void theSameStoreDecidesOnThePromotedReplicaAndCountsNoDecisionTwice() throws Exception {
        AtomicLong otherErrors = new AtomicLong(); // reported on a thread that is not a worker (none expected)
        Map<String, AtomicLong> errorKinds = new ConcurrentHashMap<>();
        DecisionListener listener = new DecisionListener() {
            @Override
            public void onStoreError(String store, Throwable error) {
                Worker w = CURRENT.get();
                (w != null ? w.storeErrors : otherErrors).incrementAndGet();
                errorKinds.computeIfAbsent(kind(error), k -> new AtomicLong()).incrementAndGet();
            }
        };
        try (RedisClusterProcess cluster = RedisClusterProcess.startWithReplicas(3);
             RedisStore store = RedisStore.builder(cluster.seedUri()).listener(listener).build();
             // the same, but a breaker that never opens: shows when Lettuce routes to the promoted replica
             RedisStore routing = RedisStore.builder(cluster.seedUri()).listener(listener)
                     .circuitBreaker(CircuitBreakerConfig.custom().recordException(e -> false).build()).build()) {
            int victim = cluster.portOwning(RedisClusterProcess.slotOf("{carried}"));
            List<Worker> workers = workers(cluster, victim, store);
            Worker probe = new Worker(routing, "carried", true);
            // state before the failure, replicated for sure (WAIT): it must carry over
            for (int i = 0; i < 10; i++) {
                store.decide("carried", 1, List.of(HOURLY));
            }
            long carried = decideOnRedis(store, "carried", 0, HOURLY).remaining();
            assertThat(carried).as("at least the 10 permits taken are spent on Redis").isLessThanOrEqualTo(30);
            assertThat(cluster.node(cluster.ports().indexOf(victim)).waitForReplication(1, 5000)).isEqualTo(1);

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong killedAt = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(workers.size() + 1);
            List<Worker> all = new ArrayList<>(workers);
            all.add(probe);
            List<Future<?>> load = new ArrayList<>();
            for (Worker w : all) {
                load.add(pool.submit(() -> {
                    CURRENT.set(w);
                    while (running.get()) {
                        decideOnce(w, killedAt.get());
                    }
                    return null;
                }));
            }
            long promotedAt;
            try {
                awaitTrue("200 decisions by Redis on every subject before the kill",
                        () -> workers.stream().allMatch(w -> w.acknowledged.get() >= 200));
                cluster.kill(victim);
                killedAt.set(System.nanoTime());
                cluster.awaitPromotion(victim);
                promotedAt = System.nanoTime();
                awaitTrue("every subject decided by Redis again after the failover, then 100 more times",
                        () -> all.stream().allMatch(w -> w.acknowledgedAfterRecovery.get() >= 100));
            } finally {
                running.set(false);
                for (Future<?> f : load) {
                    f.get(30, TimeUnit.SECONDS);
                }
                pool.shutdownNow();
            }

            long killed = killedAt.get();
            long recovered = workers.stream().filter(w -> w.onKilledMaster).mapToLong(w -> w.recoveredAt).max()
                    .orElseThrow();
            long breakerOpenMillis = store.circuitBreaker().getCircuitBreakerConfig()
                    .getWaitIntervalFunctionInOpenState().apply(1);
            System.out.printf("cluster failover (node timeout %d ms): promoted after %d ms; the store decides on "
                            + "Redis again for the killed master's subjects after %d ms (%d ms after the promotion; "
                            + "breaker open state %d ms); with a breaker that never opens after %d ms%n",
                    cluster.nodeTimeout().toMillis(), ms(promotedAt - killed), ms(recovered - killed),
                    ms(recovered - promotedAt), breakerOpenMillis, ms(probe.recoveredAt - killed));
            for (Worker w : all) {
                System.out.printf("  %-9s %-15s on the %-9s master: %7d by Redis, %7d by the policy (%7d after the "
                                + "kill), %5d store errors, %d failed; policy from +%d ms, Redis again at +%d ms%n",
                        w.subject, w == probe ? "(no breaker)" : "(defaults)", w.onKilledMaster ? "killed" : "surviving",
                        w.acknowledged.get(), w.byPolicy.get(), w.byPolicyAfterKill.get(), w.storeErrors.get(),
                        w.failed.get(), w.outageAt == 0 ? -1 : ms(w.outageAt - killed),
                        w.recoveredAt == 0 ? -1 : ms(w.recoveredAt - killed));
            }
            System.out.println("  store errors by kind: " + errorKinds + ", off the deciding thread: " + otherErrors);

            assertThat(all).allSatisfy(w -> assertThat(w.failed).as("%s: nothing throws", w.subject).hasValue(0));
            assertThat(all.stream().filter(w -> w.onKilledMaster))
                    .allSatisfy(w -> assertThat(w.outageAt).as("%s: decided by the policy while its master was down",
                            w.subject).isPositive());
            // Lettuce routes to the promoted replica once it has refreshed the topology: adaptive refresh on
            // persistent reconnects (reconnect delay capped at 1 s, refresh at most once a second), not the
            // periodic 30 s one
            assertThat(Duration.ofNanos(probe.recoveredAt - promotedAt)).as("routing to the replica after promotion")
                    .isLessThan(ADAPTIVE_REFRESH_BOUND);
            // with the default breaker, the half-open probes after its open state must also go through
            assertThat(Duration.ofNanos(recovered - killed)).as("recovery of the store with defaults")
                    .isLessThan(Duration.ofNanos(Math.max(promotedAt - killed + ADAPTIVE_REFRESH_BOUND.toNanos(),
                            TimeUnit.MILLISECONDS.toNanos(breakerOpenMillis))).plus(ADAPTIVE_REFRESH_BOUND));
            // the same store, never rebuilt, decides on the promoted replica: the state WAITed for carried over
            assertThat(decideOnRedis(store, "carried", 0, HOURLY).remaining()).as("replicated state carried over")
                    .isEqualTo(carried);
            long lost = 0;
            for (Worker w : all) {
                long kept = 1_000_000 - decideOnRedis(w.store, w.subject, 0, ROOMY).remaining();
                System.out.printf("  %-9s %d acknowledged by Redis, %d kept%n", w.subject, w.acknowledged.get(), kept);
                // counted twice: more kept than every call that reached Redis, acknowledged or not
                assertThat(kept).as("%s: no decision counted twice", w.subject)
                        .isLessThanOrEqualTo(w.acknowledged.get() + w.storeErrors.get() + otherErrors.get());
                if (w.onKilledMaster) {
                    lost += w.acknowledged.get() - kept;
                } else {
                    assertThat(kept).as("%s: a master that stayed up keeps what it acknowledged", w.subject)
                            .isGreaterThanOrEqualTo(w.acknowledged.get());
                }
            }
            System.out.printf("cluster failover: %d decisions acknowledged by the killed master and not kept by its "
                    + "replica (negative: failed here but applied)%n", lost);
        }
    }

    /** {@code THREADS_PER_MASTER} subjects on the victim's slots and as many on each other master's. */
    private static List<Worker> workers(RedisClusterProcess cluster, int victim, RedisStore store) {
        List<Worker> workers = new ArrayList<>();
        Map<Integer, Integer> perMaster = new HashMap<>();
        for (int i = 0; workers.size() < THREADS_PER_MASTER * cluster.ports().size(); i++) {
            String subject = "client-" + i;
            int port = cluster.portOwning(RedisClusterProcess.slotOf("{" + subject + "}"));
            if (perMaster.merge(port, 1, Integer::sum) <= THREADS_PER_MASTER) {
                workers.add(new Worker(store, subject, port == victim));
            }
        }
        return workers;
    }

    private static void decideOnce(Worker w, long killedAt) {
        Decision d;
        try {
            d = w.store.decide(w.subject, 1, List.of(ROOMY));
        } catch (RuntimeException e) {
            w.failed.incrementAndGet();
            return;
        }
        long now = System.nanoTime();
        if (d.degraded()) {
            w.byPolicy.incrementAndGet();
            if (killedAt != 0) {
                w.byPolicyAfterKill.incrementAndGet();
                if (w.outageAt == 0) {
                    w.outageAt = now;
                }
            }
        } else {
            w.acknowledged.incrementAndGet();
            if (w.outageAt != 0) {
                if (w.recoveredAt == 0) {
                    w.recoveredAt = now;
                }
                w.acknowledgedAfterRecovery.incrementAndGet();
            } else if (killedAt != 0 && !w.onKilledMaster) {
                w.acknowledgedAfterRecovery.incrementAndGet(); // a surviving master that never failed this subject
            }
        }
    }

    /**
     * A decision Redis made: at 50 ms, a reply can miss its deadline on this loaded machine, so a degraded answer is
     * asked again (only for peeks, cost 0, which change nothing).
     */
    private static Decision decideOnRedis(RedisStore store, String subject, long cost, Limit limit) {
        Decision[] last = new Decision[1];
        awaitTrue("a decision by Redis for " + subject, () -> {
            last[0] = store.decide(subject, cost, List.of(limit));
            return !last[0].degraded();
        });
        return last[0];
    }

    private static String kind(Throwable error) {
        String message = String.valueOf(error.getMessage());
        return error.getClass().getSimpleName() + ": " + message.substring(0, Math.min(40, message.length()));
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen within 45 s: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
