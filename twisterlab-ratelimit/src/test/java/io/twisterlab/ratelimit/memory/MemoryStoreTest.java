package io.twisterlab.ratelimit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.FakeTicker;
import io.twisterlab.ratelimit.Limit;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryStoreTest {

    private static final int THREADS = 8;

    private final FakeTicker ticker = new FakeTicker();

    @Test
    void manyThreadsOnOneKeyWithAFrozenClockAdmitExactlyTheBurst() throws Exception {
        Limit limit = Limit.builder("hot").permits(1).per(Duration.ofHours(1)).burst(1000).build();
        try (MemoryStore store = MemoryStore.builder().ticker(ticker).build()) {
            AtomicLong admitted = new AtomicLong();
            runConcurrently(() -> {
                for (int i = 0; i < 5_000; i++) {
                    if (store.decide("one-key", 1, limit).allowed()) {
                        admitted.incrementAndGet();
                    }
                }
            });
            assertThat(admitted.get()).isEqualTo(1000);
            assertThat(store.decide("one-key", 0, limit).remaining()).isZero();
        }
    }

    @Test
    void manyThreadsOnManyKeysLoseNoUpdate() throws Exception {
        Limit limit = Limit.builder("wide").permits(1).per(Duration.ofSeconds(60)).burst(1_000_000).build();
        int keys = 200;
        int rounds = 50;
        try (MemoryStore store = MemoryStore.builder().ticker(ticker).build()) {
            runConcurrently(() -> {
                for (int r = 0; r < rounds; r++) {
                    for (int k = 0; k < keys; k++) {
                        assertThat(store.tryAcquire("key-" + k, 3, limit)).isNotNegative();
                    }
                }
            });
            for (int k = 0; k < keys; k++) {
                assertThat(store.decide("key-" + k, 0, limit).remaining())
                        .isEqualTo(1_000_000L - 3L * rounds * THREADS);
            }
        }
    }

    @Test
    void concurrentMultiLimitRequestsAdmitExactlyTheTighterBurstAndGiveBackTheRest() throws Exception {
        Limit wide = Limit.builder("wide").permits(1).per(Duration.ofHours(1)).burst(500).build();
        Limit tight = Limit.builder("tight").permits(1).per(Duration.ofHours(1)).burst(120).build();
        try (MemoryStore store = MemoryStore.builder().ticker(ticker).build()) {
            AtomicLong admitted = new AtomicLong();
            runConcurrently(() -> {
                for (int i = 0; i < 2_000; i++) {
                    if (store.decide("s", 1, List.of(wide, tight)).allowed()) {
                        admitted.incrementAndGet();
                    }
                }
            });
            assertThat(admitted.get()).isEqualTo(120);
            assertThat(store.decide("s", 0, wide).remaining()).isEqualTo(380);
        }
    }

    @Test
    void aMillionDistinctSubjectsNeverExceedTheCap() {
        Limit limit = Limit.of(10, Duration.ofSeconds(1));
        try (MemoryStore store = MemoryStore.builder().maxKeys(100_000).ticker(ticker).build()) {
            int peak = 0;
            for (int i = 0; i < 1_000_000; i++) {
                assertThat(store.tryAcquire("flood-" + i, 1, limit)).isEqualTo(9);
                peak = Math.max(peak, store.trackedKeys());
                if ((i & 1023) == 0) {
                    ticker.advanceMicros(50);
                }
            }
            assertThat(peak).isLessThanOrEqualTo(100_000);
            assertThat(store.trackedKeys()).isLessThanOrEqualTo(100_000);
        }
    }

    @Test
    void evictsFullKeysBeforeKeysThatStillHoldState() {
        Limit limit = Limit.of(10, Duration.ofSeconds(1));
        try (MemoryStore store = MemoryStore.builder().maxKeys(100).ticker(ticker).build()) {
            for (int i = 0; i < 99; i++) {
                store.decide("idle-" + i, 1, limit);
            }
            ticker.advance(Duration.ofSeconds(1));
            store.decide("busy", 10, limit);
            for (int i = 0; i < 50; i++) {
                store.decide("new-" + i, 1, limit);
                assertThat(store.trackedKeys()).isLessThanOrEqualTo(100);
            }
            Decision busy = store.decide("busy", 1, limit);
            assertThat(busy.allowed()).as("the busy subject kept its empty bucket").isFalse();
        }
    }

    @Test
    void theHotPathAllocatesNothingForATrackedKey() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Limit limit = Limit.of(1_000_000, Duration.ofSeconds(1));
        try (MemoryStore store = MemoryStore.builder().ticker(ticker).build()) {
            String subject = "203.0.113.9";
            long sink = 0;
            for (int i = 0; i < 20_000; i++) {
                sink += store.tryAcquire(subject, 0, limit) + store.tryAcquire(subject, 1, limit);
                ticker.advanceMicros(1);
            }
            long id = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(id);
            long baseline = threads.getThreadAllocatedBytes(id) - before;
            long start = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 100_000; i++) {
                sink += store.tryAcquire(subject, 1, limit);
                ticker.advanceMicros(1);
            }
            long allocated = threads.getThreadAllocatedBytes(id) - start - baseline;
            assertThat(sink).isPositive();
            assertThat(allocated).as("bytes allocated by 100,000 decisions").isLessThan(1024);
        }
    }

    @Test
    void equalLimitsShareOneStateWhicheverInstanceIsPassedAndCloseForgetsIt() {
        Limit a = Limit.of(2, Duration.ofHours(1));
        Limit b = Limit.of(2, Duration.ofHours(1));
        assertThat(b).isEqualTo(a).isNotSameAs(a);
        MemoryStore store = MemoryStore.builder().ticker(ticker).build();
        try {
            assertThat(store.tryAcquire("s", 1, a)).isEqualTo(1);
            assertThat(store.tryAcquire("s", 1, b)).as("an equal instance sees the same state").isZero();
            assertThat(store.decide("s", 1, a).allowed()).isFalse();
            assertThat(store.decide("s", 1, b).allowed()).isFalse();
            assertThat(store.decide("s", 1, List.of(a)).allowed()).isFalse();
            store.close();
            assertThat(store.trackedKeys()).isZero();
            assertThat(store.tryAcquire("s", 1, a)).as("after close, a fresh state").isEqualTo(1);
            assertThat(store.tryAcquire("s", 1, b)).isZero();
            assertThat(store.trackedKeys()).isEqualTo(1);
        } finally {
            store.close();
        }
    }

    @Test
    void tryAcquireEncodesDenials() {
        Limit limit = Limit.of(2, Duration.ofSeconds(1));
        try (MemoryStore store = MemoryStore.builder().ticker(ticker).build()) {
            assertThat(store.tryAcquire("s", 2, limit)).isZero();
            long denied = store.tryAcquire("s", 1, limit);
            assertThat(denied).isNegative();
            assertThat(MemoryStore.retryAfterNanos(denied)).isEqualTo(500_000_000L);
            assertThat(MemoryStore.retryAfterNanos(store.tryAcquire("s", 3, limit))).isEqualTo(Decision.NEVER);
            assertThatThrownBy(() -> MemoryStore.retryAfterNanos(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void peeksAndNeverConformingRequestsDoNotTrackKeys() {
        Limit limit = Limit.of(2, Duration.ofSeconds(1));
        try (MemoryStore store = MemoryStore.builder().ticker(ticker).build()) {
            store.decide("peek", 0, limit);
            store.decide("huge", 3, limit);
            assertThat(store.trackedKeys()).isZero();
            store.decide("real", 1, limit);
            assertThat(store.trackedKeys()).isEqualTo(1);
        }
    }

    @Test
    void validatesItsConfiguration() {
        assertThatThrownBy(() -> MemoryStore.builder().maxKeys(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxKeys");
        assertThat(MemoryStore.builder().build().maxKeys()).isEqualTo(MemoryStore.DEFAULT_MAX_KEYS);
    }

    private static void runConcurrently(Runnable task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    task.run();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
