package io.twisterlab.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every GCRA {@link RateLimitStore} must pass. Extend it, create your store over the given
 * {@link FakeTicker} (time only moves in whole microseconds, through the ticker), and run it:
 *
 * <pre>{@code
 * class MyStoreContractTest extends AbstractRateLimitStoreContractTest {
 *     protected RateLimitStore createStore(FakeTicker ticker) {
 *         return new MyStore(ticker);
 *     }
 * }
 * }</pre>
 *
 * Every test uses fresh subjects, so a store backed by shared state (Redis) needs no cleanup between tests.
 */
public abstract class AbstractRateLimitStoreContractTest {

    /** 10 per second: one permit every 100 ms, burst 10. */
    protected static final Limit TEN_PER_SECOND = Limit.of("ten-per-second", 10, Duration.ofSeconds(1));
    /** 2 per second with burst 5. */
    protected static final Limit BURSTY = Limit.builder("bursty").permits(2).per(Duration.ofSeconds(1)).burst(5).build();
    /** 10 per 100 ms: a sub-second period. */
    protected static final Limit FAST = Limit.parse("10/100ms");
    /** 3 per second: an emission interval that is rounded down (333,333 µs). */
    protected static final Limit THIRDS = Limit.of("thirds", 3, Duration.ofSeconds(1));

    protected FakeTicker ticker;
    protected RateLimitStore store;
    private String run;

    /**
     * @param ticker the only source of time for the store
     * @return a new store; closed after each test
     */
    protected abstract RateLimitStore createStore(FakeTicker ticker);

    @BeforeEach
    void setUpStore() {
        ticker = new FakeTicker();
        store = createStore(ticker);
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** @return a subject no other test uses */
    protected String subject(String name) {
        return run + "-" + name;
    }

    @Test
    void admitsBurstThenDeniesWithExactRetryAfter() {
        String s = subject("burst");
        for (int i = 1; i <= 10; i++) {
            Decision d = store.decide(s, 1, TEN_PER_SECOND);
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(10 - i);
            assertThat(d.retryAfterNanos()).isZero();
            assertThat(d.resetAfterNanos()).isEqualTo(i * 100_000_000L);
            assertThat(d.limit()).isEqualTo(TEN_PER_SECOND);
            assertThat(d.degraded()).isFalse();
        }
        Decision denied = store.decide(s, 1, TEN_PER_SECOND);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.remaining()).isZero();
        assertThat(denied.retryAfterNanos()).isEqualTo(100_000_000L);
        assertThat(denied.resetAfterNanos()).isEqualTo(1_000_000_000L);
        assertThat(denied.satisfiable()).isTrue();
    }

    @Test
    void retryAfterIsExactToTheMicrosecond() {
        String s = subject("exact");
        for (int i = 0; i < 5; i++) {
            store.decide(s, 1, BURSTY);
        }
        Decision denied = store.decide(s, 2, BURSTY);
        assertThat(denied.allowed()).isFalse();
        long retryMicros = denied.retryAfterNanos() / 1000;
        assertThat(retryMicros).isEqualTo(1_000_000L);
        ticker.advanceMicros(retryMicros - 1);
        assertThat(store.decide(s, 2, BURSTY).allowed()).as("1 µs early").isFalse();
        ticker.advanceMicros(1);
        Decision admitted = store.decide(s, 2, BURSTY);
        assertThat(admitted.allowed()).isTrue();
        assertThat(admitted.remaining()).isZero();
    }

    @Test
    void refillsExactlyOnePermitPerEmissionInterval() {
        String s = subject("refill");
        for (int i = 0; i < 3; i++) {
            assertThat(store.decide(s, 1, THIRDS).allowed()).isTrue();
        }
        assertThat(store.decide(s, 1, THIRDS).allowed()).isFalse();
        ticker.advanceMicros(2 * 333_333L - 1);
        assertThat(store.decide(s, 0, THIRDS).remaining()).isEqualTo(1);
        ticker.advanceMicros(1);
        assertThat(store.decide(s, 0, THIRDS).remaining()).isEqualTo(2);
        assertThat(store.decide(s, 2, THIRDS).allowed()).isTrue();
        assertThat(store.decide(s, 1, THIRDS).allowed()).isFalse();
    }

    @Test
    void subSecondPeriodsWork() {
        String s = subject("fast");
        for (int i = 0; i < 10; i++) {
            assertThat(store.decide(s, 1, FAST).allowed()).isTrue();
        }
        Decision denied = store.decide(s, 1, FAST);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfterNanos()).isEqualTo(10_000_000L);
        ticker.advance(Duration.ofMillis(100));
        assertThat(store.decide(s, 10, FAST).allowed()).isTrue();
    }

    @Test
    void costZeroPeeksWithoutConsuming() {
        String s = subject("peek");
        Decision fresh = store.decide(s, 0, TEN_PER_SECOND);
        assertThat(fresh.allowed()).isTrue();
        assertThat(fresh.remaining()).isEqualTo(10);
        assertThat(fresh.resetAfterNanos()).isZero();
        store.decide(s, 4, TEN_PER_SECOND);
        for (int i = 0; i < 3; i++) {
            Decision peek = store.decide(s, 0, TEN_PER_SECOND);
            assertThat(peek.allowed()).isTrue();
            assertThat(peek.remaining()).isEqualTo(6);
            assertThat(peek.resetAfterNanos()).isEqualTo(400_000_000L);
        }
        store.decide(s, 6, TEN_PER_SECOND);
        Decision emptyPeek = store.decide(s, 0, TEN_PER_SECOND);
        assertThat(emptyPeek.allowed()).isTrue();
        assertThat(emptyPeek.remaining()).isZero();
    }

    @Test
    void aDeniedRequestConsumesNothing() {
        String s = subject("denied");
        store.decide(s, 7, TEN_PER_SECOND);
        for (int i = 0; i < 5; i++) {
            Decision d = store.decide(s, 4, TEN_PER_SECOND);
            assertThat(d.allowed()).isFalse();
            assertThat(d.remaining()).isEqualTo(3);
            assertThat(d.retryAfterNanos()).isEqualTo(100_000_000L);
        }
        assertThat(store.decide(s, 3, TEN_PER_SECOND).allowed()).isTrue();
    }

    @Test
    void aCostAboveTheBurstNeverConformsAndConsumesNothing() {
        String s = subject("huge");
        Decision d = store.decide(s, 11, TEN_PER_SECOND);
        assertThat(d.allowed()).isFalse();
        assertThat(d.satisfiable()).isFalse();
        assertThat(d.retryAfterNanos()).isEqualTo(Decision.NEVER);
        assertThat(d.remaining()).isEqualTo(10);
        assertThat(store.decide(s, 10, TEN_PER_SECOND).allowed()).isTrue();
    }

    @Test
    void multipleLimitsAreAllOrNothing() {
        String s = subject("multi");
        List<Limit> both = List.of(TEN_PER_SECOND, BURSTY);
        for (int i = 0; i < 5; i++) {
            Decision d = store.decide(s, 1, both);
            assertThat(d.allowed()).isTrue();
            assertThat(d.limit()).as("the limit with fewest remaining").isEqualTo(BURSTY);
        }
        for (int i = 0; i < 3; i++) {
            Decision d = store.decide(s, 1, both);
            assertThat(d.allowed()).isFalse();
            assertThat(d.limit()).isEqualTo(BURSTY);
        }
        assertThat(store.decide(s, 0, TEN_PER_SECOND).remaining()).as("untouched by denials").isEqualTo(5);
        Decision reversed = store.decide(s, 1, List.of(BURSTY, TEN_PER_SECOND));
        assertThat(reversed.allowed()).isFalse();
        assertThat(store.decide(s, 0, TEN_PER_SECOND).remaining()).isEqualTo(5);
    }

    @Test
    void aMultiLimitDenialReportsTheLongestWait() {
        String s = subject("longest");
        store.decide(s, 10, TEN_PER_SECOND);
        store.decide(s, 5, BURSTY);
        Decision d = store.decide(s, 2, List.of(TEN_PER_SECOND, BURSTY));
        assertThat(d.allowed()).isFalse();
        assertThat(d.limit()).isEqualTo(BURSTY);
        assertThat(d.retryAfterNanos()).isEqualTo(1_000_000_000L);
        Decision never = store.decide(s, 6, List.of(TEN_PER_SECOND, BURSTY));
        assertThat(never.limit()).isEqualTo(BURSTY);
        assertThat(never.satisfiable()).isFalse();
    }

    @Test
    void subjectsAndLimitsAreIndependent() {
        String a = subject("a");
        String b = subject("b");
        store.decide(a, 10, TEN_PER_SECOND);
        assertThat(store.decide(a, 1, TEN_PER_SECOND).allowed()).isFalse();
        assertThat(store.decide(b, 1, TEN_PER_SECOND).allowed()).isTrue();
        assertThat(store.decide(a, 1, BURSTY).allowed()).isTrue();
    }

    @Test
    void theAsynchronousFormDecidesTheSame() {
        String s = subject("async");
        Decision first = store.decideAsync(s, 3, List.of(TEN_PER_SECOND)).toCompletableFuture().join();
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isEqualTo(7);
        Decision second = store.decideAsync(s, 8, List.of(TEN_PER_SECOND)).toCompletableFuture().join();
        assertThat(second.allowed()).isFalse();
        assertThat(second.retryAfterNanos()).isEqualTo(100_000_000L);
    }

    /**
     * Concurrent callers (blocking and asynchronous, time standing still) share one burst exactly: every permit is
     * handed out once, to one caller, and none beyond the burst; with two limits the smaller decides and the larger
     * keeps what was admitted, nothing more.
     */
    @Test
    void concurrentCallersShareTheBurstExactly() throws Exception {
        Limit hundred = Limit.builder("hundred").permits(1).per(Duration.ofHours(1)).burst(100).build();
        Limit sixty = Limit.builder("sixty").permits(1).per(Duration.ofHours(1)).burst(60).build();
        String one = subject("concurrent-one");
        String two = subject("concurrent-two");
        int threads = 8;
        int perThread = 50;
        List<Decision> single = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Decision> multi = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                boolean async = t % 2 == 1;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        if (async) {
                            single.add(store.decideAsync(one, 1, List.of(hundred)).toCompletableFuture().join());
                            multi.add(store.decideAsync(two, 1, List.of(hundred, sixty)).toCompletableFuture().join());
                        } else {
                            single.add(store.decide(one, 1, hundred));
                            multi.add(store.decide(two, 1, List.of(hundred, sixty)));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (java.util.concurrent.Future<?> f : done) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(single).hasSize(threads * perThread).noneMatch(Decision::degraded);
        assertThat(single.stream().filter(Decision::allowed).map(Decision::remaining))
                .as("each of the 100 permits handed out exactly once")
                .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.range(0, 100).boxed().toList());
        assertThat(single.stream().filter(d -> !d.allowed())).allSatisfy(d -> assertThat(d.retryAfterNanos()).isPositive());
        assertThat(multi.stream().filter(Decision::allowed)).hasSize(60);
        assertThat(store.decide(two, 0, hundred).remaining()).isEqualTo(40);
        assertThat(store.decide(two, 0, sixty).remaining()).isZero();
    }

    @Test
    void rejectsInvalidRequests() {
        assertThatThrownBy(() -> store.decide("", 1, TEN_PER_SECOND)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.decide("x", -1, TEN_PER_SECOND)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.decide("x", 1, List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.decide("x", 1, List.of(TEN_PER_SECOND, TEN_PER_SECOND)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void randomArrivalSchedulesMatchTheReferenceModel() {
        Random random = new Random(20261124L);
        ReferenceModel model = new ReferenceModel();
        List<Limit> pool = List.of(TEN_PER_SECOND, BURSTY, FAST, THIRDS);
        List<String> subjects = List.of(subject("r1"), subject("r2"), subject("r3"));
        long nowMicros = 0;
        for (int step = 0; step < 1500; step++) {
            List<Limit> limits = new ArrayList<>(pool);
            java.util.Collections.shuffle(limits, random);
            limits = limits.subList(0, 1 + random.nextInt(random.nextInt(10) == 0 ? 3 : 1));
            String s = subjects.get(random.nextInt(subjects.size()));
            long cost = random.nextInt(10) == 0 ? random.nextInt(12) : random.nextInt(3);
            long gap = random.nextInt(4) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 1_000 : 400_000);
            nowMicros += gap;
            ticker.advanceMicros(gap);
            Decision expected = model.decide(s, cost, limits, nowMicros);
            Decision actual = store.decide(s, cost, limits);
            assertThat(actual).as("step %d: %s cost %d %s", step, s, cost, limits).isEqualTo(expected);
        }
    }
}
