package io.twisterlab.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * GCRA conformance, on top of the {@linkplain AbstractRateLimitStoreContractTest general store rules}: exact
 * remaining, retry-after and reset-after to the microsecond, refill by the integer emission interval, and random
 * arrival schedules decided exactly as the {@link ReferenceModel} decides them. Every GCRA store (memory, Redis, and
 * your own) extends it:
 *
 * <pre>{@code
 * class MyGcraStoreContractTest extends AbstractGcraConformanceTest {
 *     protected RateLimitStore createStore(FakeTicker ticker) {
 *         return new MyGcraStore(ticker);
 *     }
 * }
 * }</pre>
 */
public abstract class AbstractGcraConformanceTest extends AbstractRateLimitStoreContractTest {

    /** 2 per second with burst 5. */
    protected static final Limit BURSTY = Limit.builder("bursty").permits(2).per(Duration.ofSeconds(1)).burst(5).build();
    /** 10 per 100 ms: a sub-second period. */
    protected static final Limit FAST = Limit.parse("10/100ms");
    /** 3 per second: an emission interval that is rounded down (333,333 µs). */
    protected static final Limit THIRDS = Limit.of("thirds", 3, Duration.ofSeconds(1));

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
     * Concurrent callers (blocking and asynchronous, time standing still) share one burst exactly; here the limits
     * refill one permit per hour, which only GCRA stores represent.
     */
    @Test
    void concurrentCallersShareTheBurstExactly() throws Exception {
        Limit hundred = Limit.builder("hundred").permits(1).per(Duration.ofHours(1)).burst(100).build();
        Limit sixty = Limit.builder("sixty").permits(1).per(Duration.ofHours(1)).burst(60).build();
        assertConcurrentCallersShareTheBurstExactly(hundred, sixty);
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
