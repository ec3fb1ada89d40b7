package io.twisterlab.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rules every {@link RateLimitStore} obeys, whatever its algorithm: argument validation, cost 0 peeks,
 * a denial consumes nothing, a cost above the burst is never satisfiable, several limits are all-or-nothing,
 * subjects and limits are independent, the asynchronous form agrees with the blocking one, concurrent callers
 * never get more than the burst, close is idempotent. Extend it, create your store over the given
 * {@link FakeTicker} (time only moves in whole microseconds, through the ticker; a store whose clock cannot be
 * injected may ignore it), and run it:
 *
 * <pre>{@code
 * class MyStoreContractTest extends AbstractRateLimitStoreContractTest {
 *     protected RateLimitStore createStore(FakeTicker ticker) {
 *         return new MyStore(ticker);
 *     }
 * }
 * }</pre>
 *
 * The limits here have {@code burst == permits} and periods of an hour or a day, so that no store refills a
 * permit or starts a new cycle while a test runs, fake clock or not. A GCRA store also runs
 * {@link AbstractGcraConformanceTest}, which checks exact values against the {@link ReferenceModel}.
 *
 * <p>Every test uses fresh subjects, so a store backed by shared state (Redis) needs no cleanup between tests.
 */
public abstract class AbstractRateLimitStoreContractTest {

    /** 10 per second: one permit every 100 ms, burst 10. */
    protected static final Limit TEN_PER_SECOND = Limit.of("ten-per-second", 10, Duration.ofSeconds(1));
    /** 10 per hour, burst 10. */
    protected static final Limit HOURLY = Limit.of("hourly", 10, Duration.ofHours(1));
    /** 4 per day, burst 4. */
    protected static final Limit DAILY = Limit.of("daily", 4, Duration.ofDays(1));

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
    void admitsTheBurstThenDenies() {
        String s = subject("burst-general");
        for (int i = 1; i <= 10; i++) {
            Decision d = store.decide(s, 1, HOURLY);
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(10 - i);
            assertThat(d.retryAfterNanos()).isZero();
            assertThat(d.limit()).isEqualTo(HOURLY);
            assertThat(d.degraded()).isFalse();
        }
        Decision denied = store.decide(s, 1, HOURLY);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.remaining()).isZero();
        assertThat(denied.retryAfterNanos()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1).toNanos());
        assertThat(denied.satisfiable()).isTrue();
    }

    @Test
    void peekingWithCostZeroConsumesNothing() {
        String s = subject("peek-general");
        assertThat(store.decide(s, 0, HOURLY).remaining()).isEqualTo(10);
        assertThat(store.decide(s, 4, HOURLY).allowed()).isTrue();
        for (int i = 0; i < 3; i++) {
            Decision peek = store.decide(s, 0, HOURLY);
            assertThat(peek.allowed()).isTrue();
            assertThat(peek.remaining()).isEqualTo(6);
        }
        store.decide(s, 6, HOURLY);
        Decision emptyPeek = store.decide(s, 0, HOURLY);
        assertThat(emptyPeek.allowed()).isTrue();
        assertThat(emptyPeek.remaining()).isZero();
    }

    @Test
    void aDenialConsumesNothing() {
        String s = subject("denied-general");
        store.decide(s, 7, HOURLY);
        for (int i = 0; i < 5; i++) {
            Decision d = store.decide(s, 4, HOURLY);
            assertThat(d.allowed()).isFalse();
            assertThat(d.remaining()).isEqualTo(3);
            assertThat(d.retryAfterNanos()).isPositive();
        }
        assertThat(store.decide(s, 3, HOURLY).allowed()).isTrue();
    }

    @Test
    void aCostAboveTheBurstIsNeverSatisfiable() {
        String s = subject("huge-general");
        Decision d = store.decide(s, 11, HOURLY);
        assertThat(d.allowed()).isFalse();
        assertThat(d.satisfiable()).isFalse();
        assertThat(d.retryAfterNanos()).isEqualTo(Decision.NEVER);
        assertThat(d.remaining()).isEqualTo(10);
        assertThat(store.decide(s, 10, HOURLY).allowed()).isTrue();
    }

    @Test
    void severalLimitsAreAllOrNothing() {
        String s = subject("multi-general");
        List<Limit> both = List.of(HOURLY, DAILY);
        for (int i = 0; i < 4; i++) {
            Decision d = store.decide(s, 1, both);
            assertThat(d.allowed()).isTrue();
            assertThat(d.limit()).as("the limit with fewest remaining").isEqualTo(DAILY);
        }
        for (int i = 0; i < 3; i++) {
            Decision d = store.decide(s, 1, both);
            assertThat(d.allowed()).isFalse();
            assertThat(d.limit()).isEqualTo(DAILY);
        }
        assertThat(store.decide(s, 0, HOURLY).remaining()).as("untouched by denials").isEqualTo(6);
        assertThat(store.decide(s, 1, List.of(DAILY, HOURLY)).allowed()).isFalse();
        assertThat(store.decide(s, 0, HOURLY).remaining()).isEqualTo(6);
    }

    @Test
    void aDenialOverSeveralLimitsReportsTheLongestWait() {
        String s = subject("longest-general");
        store.decide(s, 10, HOURLY);
        store.decide(s, 4, DAILY);
        Decision d = store.decide(s, 1, List.of(HOURLY, DAILY));
        assertThat(d.allowed()).isFalse();
        assertThat(d.limit()).as("a day's wait is longer than an hour's").isEqualTo(DAILY);
        assertThat(d.retryAfterNanos()).isGreaterThan(Duration.ofHours(1).toNanos());
        Decision never = store.decide(s, 5, List.of(HOURLY, DAILY));
        assertThat(never.limit()).isEqualTo(DAILY);
        assertThat(never.satisfiable()).isFalse();
    }

    @Test
    void subjectsAndLimitsDoNotShareState() {
        String a = subject("a-general");
        String b = subject("b-general");
        store.decide(a, 10, HOURLY);
        assertThat(store.decide(a, 1, HOURLY).allowed()).isFalse();
        assertThat(store.decide(b, 1, HOURLY).allowed()).isTrue();
        assertThat(store.decide(a, 1, DAILY).allowed()).isTrue();
    }

    @Test
    void theAsynchronousFormAgreesWithTheBlockingOne() {
        String s = subject("async-general");
        Decision first = store.decideAsync(s, 3, List.of(HOURLY)).toCompletableFuture().join();
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isEqualTo(7);
        Decision second = store.decideAsync(s, 8, List.of(HOURLY)).toCompletableFuture().join();
        assertThat(second.allowed()).isFalse();
        assertThat(second.retryAfterNanos()).isPositive();
        assertThat(store.decide(s, 0, HOURLY).remaining()).isEqualTo(7);
        assertThat(store.decideAsync("", 1, List.of(HOURLY)).toCompletableFuture())
                .as("an invalid request fails the stage").isCompletedExceptionally();
    }

    /** As {@link #assertConcurrentCallersShareTheBurstExactly}, with limits every store represents. */
    @Test
    void concurrentCallersNeverGetMoreThanTheBurst() throws Exception {
        assertConcurrentCallersShareTheBurstExactly(Limit.of("hundred-hourly", 100, Duration.ofHours(1)),
                Limit.of("sixty-hourly", 60, Duration.ofHours(1)));
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
    void closeIsIdempotentAndAHealthyStoreIsNotDegraded() {
        assertThat(store.name()).isNotBlank();
        assertThat(store.degraded()).isFalse();
        store.close();
        store.close();
    }

    /**
     * Concurrent callers (blocking and asynchronous, time standing still) share one burst exactly: every permit is
     * handed out once, to one caller, and none beyond the burst; with two limits the smaller decides and the larger
     * keeps what was admitted, nothing more.
     *
     * @param hundred a limit with a burst of 100 that does not refill while the test runs
     * @param sixty   a limit with a burst of 60 that does not refill while the test runs
     */
    protected void assertConcurrentCallersShareTheBurstExactly(Limit hundred, Limit sixty) throws Exception {
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
}
