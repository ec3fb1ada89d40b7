package io.twisterlab.ratelimit.resilience4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.Limit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The resilience4j adapter's own, honest expectations. Its clock cannot be injected, so every limit here has a
 * one-hour (or one-day) cycle: within a test, time never reaches a cycle boundary, which is where fixed cycles and
 * GCRA differ (see {@link Resilience4jStore}).
 */
class Resilience4jStoreTest {

    private static final Limit HOURLY = Limit.of("hourly", 10, Duration.ofHours(1));
    private static final Limit DAILY = Limit.of("daily", 4, Duration.ofDays(1));

    private final Resilience4jStore store = Resilience4jStore.builder().maxSubjects(100).build();

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void admitsTheLimitWithinACycleThenDeniesUntilTheNextCycle() {
        for (int i = 1; i <= 10; i++) {
            Decision d = store.decide("s", 1, HOURLY);
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(10 - i);
        }
        Decision denied = store.decide("s", 1, HOURLY);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.remaining()).isZero();
        assertThat(denied.retryAfterNanos()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1).toNanos());
        assertThat(denied.satisfiable()).isTrue();
    }

    @Test
    void costZeroPeeksAndDeniedRequestsConsumeNothing() {
        assertThat(store.decide("p", 0, HOURLY).remaining()).isEqualTo(10);
        store.decide("p", 7, HOURLY);
        assertThat(store.decide("p", 0, HOURLY).remaining()).isEqualTo(3);
        assertThat(store.decide("p", 4, HOURLY).allowed()).isFalse();
        assertThat(store.decide("p", 3, HOURLY).allowed()).isTrue();
    }

    @Test
    void aCostAboveTheLimitNeverConforms() {
        Decision d = store.decide("big", 11, HOURLY);
        assertThat(d.allowed()).isFalse();
        assertThat(d.retryAfterNanos()).isEqualTo(Decision.NEVER);
        assertThat(store.decide("big", 10, HOURLY).allowed()).isTrue();
    }

    @Test
    void multipleLimitsAreAllOrNothing() {
        for (int i = 0; i < 4; i++) {
            Decision d = store.decide("m", 1, List.of(HOURLY, DAILY));
            assertThat(d.allowed()).isTrue();
            assertThat(d.limit()).isEqualTo(DAILY);
        }
        Decision denied = store.decide("m", 1, List.of(HOURLY, DAILY));
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.limit()).isEqualTo(DAILY);
        assertThat(store.decide("m", 0, HOURLY).remaining()).isEqualTo(6);
    }

    @Test
    void manyThreadsOnOneSubjectAdmitExactlyTheLimit() throws Exception {
        Limit limit = Limit.of("big-hourly", 500, Duration.ofHours(1));
        AtomicInteger admitted = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 1_000; i++) {
                        if (store.decide("hot", 1, limit).allowed()) {
                            admitted.incrementAndGet();
                        }
                    }
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
        assertThat(admitted.get()).isEqualTo(500);
    }

    @Test
    void tracksAtMostTheConfiguredNumberOfSubjects() {
        for (int i = 0; i < 1_000; i++) {
            store.decide("subject-" + i, 1, HOURLY);
            assertThat(store.trackedSubjects()).isLessThanOrEqualTo(100);
        }
        assertThat(store.decide("subject-0", 0, HOURLY).remaining()).as("evicted, starts over").isEqualTo(10);
    }

    @Test
    void rejectsLimitsItCannotRepresent() {
        Limit bursty = Limit.builder("bursty").permits(2).per(Duration.ofSeconds(1)).burst(5).build();
        assertThatThrownBy(() -> store.decide("x", 1, bursty)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("burst == permits");
        assertThatThrownBy(() -> Resilience4jStore.builder().maxSubjects(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
