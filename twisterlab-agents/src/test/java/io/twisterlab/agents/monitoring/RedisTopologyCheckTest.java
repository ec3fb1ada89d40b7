package io.twisterlab.agents.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.agents.cache.CacheBackend;
import io.twisterlab.agents.cache.CacheBackendException;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.HealthStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The Sentinel/Cluster check keeps one client for its lifetime; the monitoring agent closes it when it stops. */
class RedisTopologyCheckTest {

    private final List<FakeBackend> created = new CopyOnWriteArrayList<>();

    private Checks.RedisTopology check() {
        return new Checks.RedisTopology("redis", "redis-cluster://n1:6379", () -> {
            FakeBackend b = new FakeBackend();
            created.add(b);
            return b;
        });
    }

    @Test
    void everyProbeGoesThroughOneClientCreatedOnTheFirst() {
        Checks.RedisTopology check = check();
        assertThat(created).as("nothing before the first probe").isEmpty();
        for (int i = 0; i < 5; i++) {
            assertThat(check.check()).isEqualTo(ServiceCheck.Result.healthy("PING answered by every master"));
        }
        assertThat(created).hasSize(1);
        assertThat(created.get(0).starts.get()).isEqualTo(1);
        assertThat(created.get(0).pings.get()).isEqualTo(5);
        created.get(0).down = true;
        assertThat(check.check()).isEqualTo(ServiceCheck.Result.unhealthy("no master answered PING"));
        created.get(0).down = false;
        assertThat(check.check().status()).as("the same client, once Redis answers again").isEqualTo(HealthStatus.HEALTHY);
        assertThat(created).hasSize(1);
    }

    @Test
    void concurrentFirstProbesCreateOneClient() throws Exception {
        CountDownLatch inFactory = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger factoryCalls = new AtomicInteger();
        Checks.RedisTopology check = new Checks.RedisTopology("redis", "redis-cluster://n1:6379", () -> {
            factoryCalls.incrementAndGet();
            inFactory.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new FakeBackend();
        });
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Thread> workers = new CopyOnWriteArrayList<>();
        try {
            List<Future<ServiceCheck.Result>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    workers.add(Thread.currentThread());
                    return check.check();
                }));
            }
            assertThat(inFactory.await(30, TimeUnit.SECONDS)).isTrue();
            // every other probe is now parked: on the check's lock, or (were it not shared) in the factory too
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (workers.size() < threads || workers.stream().filter(t -> t.getState() == Thread.State.BLOCKED
                    || t.getState() == Thread.State.TIMED_WAITING || t.getState() == Thread.State.WAITING)
                    .count() < threads) {
                assertThat(System.nanoTime()).as("probes parked in time").isLessThan(deadline);
                Thread.onSpinWait();
            }
            release.countDown();
            for (Future<ServiceCheck.Result> r : results) {
                assertThat(r.get(30, TimeUnit.SECONDS).status()).isEqualTo(HealthStatus.HEALTHY);
            }
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        assertThat(factoryCalls).hasValue(1);
    }

    @Test
    void stoppingTheAgentClosesTheClientAndNoLaterProbeOpensOne() {
        Checks.RedisTopology check = check();
        MonitoringAgent agent = MonitoringAgent.builder().cpuSampleInterval(Duration.ofMillis(5))
                .serviceCheck(check).build();
        try (AgentRegistry registry = AgentRegistry.builder().register(agent).build()) {
            registry.start();
            for (int i = 0; i < 3; i++) {
                registry.execute("monitoring", "health_check", Map.of());
            }
            assertThat(created).hasSize(1);
            assertThat(created.get(0).closes.get()).isZero();
        }
        assertThat(created.get(0).closes.get()).as("closed when the registry stopped the agent").isEqualTo(1);
        assertThat(check.check()).isEqualTo(ServiceCheck.Result.unhealthy("the check is closed"));
        assertThat(created).hasSize(1);
    }

    @Test
    void closingACheckThatNeverProbedCreatesNothing() {
        Checks.RedisTopology check = check();
        check.close();
        assertThat(created).isEmpty();
    }

    /** Counts what the check does with its client; {@link #down} makes PING fail as an unreachable Redis does. */
    private static final class FakeBackend implements CacheBackend {
        final AtomicInteger starts = new AtomicInteger();
        final AtomicInteger pings = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        volatile boolean down;

        @Override
        public String name() {
            return "redis";
        }

        @Override
        public void start() {
            starts.incrementAndGet();
        }

        @Override
        public void ping() {
            pings.incrementAndGet();
            if (down) {
                throw new CacheBackendException("Redis is not available", CacheBackendException.Reason.UNAVAILABLE,
                        new IllegalStateException());
            }
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }

        @Override
        public Optional<Entry> get(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void set(String key, String value, @Nullable Duration ttl) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean delete(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public KeyPage scan(String pattern, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Stats stats(String prefix) {
            throw new UnsupportedOperationException();
        }
    }
}
