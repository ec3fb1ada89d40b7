package io.twisterlab.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.RateLimiter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The store as users get it: every setting at its default (a 50 ms timeout, local-fallback at share 1.0, the
 * default breaker), against a healthy Redis, and against a password-protected one as {@code k8s/} runs it. No
 * test here overrides a setting unless the setting is what it is about, and none retries until the store is not
 * degraded: a first decision that times out fails the test.
 */
class RedisDefaultsIT {

    private static final Limit LIMIT = Limit.parse("50/1h");
    private static final String PASSWORD = "s3cret-Pass";

    @Test
    void aFreshStoreWithDefaultSettingsIsExactFromItsFirstDecision() throws Exception {
        RedisStoreIT.Recorder events = new RedisStoreIT.Recorder();
        try (RedisServerProcess redis = RedisServerProcess.start();
             RedisStore store = RedisStore.builder(redis.uri()).listener(events).build();
             RateLimiter limiter = RateLimiter.builder(store).listener(events).build()) {
            assertThat(store.degraded()).as("connected and warmed up when built").isFalse();
            assertThat(store.failurePolicy()).isEqualTo(FailurePolicy.LOCAL_FALLBACK);

            List<Decision> decisions = concurrently(24, 300, () -> limiter.decide("client", 1, LIMIT));

            assertThat(events.errors).as("store errors against a healthy Redis").isEmpty();
            assertThat(decisions).as("degraded decisions").noneMatch(Decision::degraded);
            assertThat(decisions).filteredOn(Decision::allowed).as("allowed").hasSize(50);
            assertThat(events.modes).as("mode changes").isEmpty();
            assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(store.circuitBreaker().getMetrics().getNumberOfFailedCalls()).isZero();
        }
    }

    @Test
    void withTheRightPasswordTheStoreDecidesInRedis() throws Exception {
        RedisStoreIT.Recorder events = new RedisStoreIT.Recorder();
        try (RedisServerProcess redis = RedisServerProcess.startWithPassword(PASSWORD);
             RedisStore store = RedisStore.builder(redis.uri(PASSWORD)).listener(events).build()) {
            assertThat(store.degraded()).isFalse();
            List<Decision> decisions = concurrently(8, 60, () -> store.decide("client", 1, List.of(LIMIT)));
            assertThat(decisions).noneMatch(Decision::degraded);
            assertThat(decisions).filteredOn(Decision::allowed).hasSize(50);
            assertThat(events.errors).isEmpty();
        }
    }

    @Test
    void withAWrongPasswordTheStoreStartsDegradedAndNeverLeaksThePassword() {
        RedisStoreIT.Recorder events = new RedisStoreIT.Recorder();
        try (RedisServerProcess redis = RedisServerProcess.startWithPassword(PASSWORD);
             RedisStore store = RedisStore.builder(redis.uri("wrong-" + PASSWORD))
                     .failurePolicy(FailurePolicy.FAIL_CLOSED) // the policy is what makes the outcome visible
                     .listener(events).build()) {
            assertThat(store.degraded()).as("authentication fails like an unreachable Redis").isTrue();
            assertThat(store.decide("client", 1, List.of(LIMIT))).satisfies(d -> {
                assertThat(d.degraded()).isTrue();
                assertThat(d.allowed()).as("fail-closed").isFalse();
            });
            assertThat(events.errors).isNotEmpty();
            for (Throwable e = events.errors.get(0); e != null; e = e.getCause()) {
                assertThat(String.valueOf(e.getMessage())).doesNotContain(PASSWORD);
            }
            assertThat(store.toString()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void withoutThePasswordTheStoreIsDegradedAndTheFallbackDecides() {
        RedisStoreIT.Recorder events = new RedisStoreIT.Recorder();
        try (RedisServerProcess redis = RedisServerProcess.startWithPassword(PASSWORD);
             RedisStore store = RedisStore.builder(redis.uri()).listener(events).build()) {
            // Lettuce's handshake may fail (then the store starts degraded) or the first command answers NOAUTH
            Decision first = store.decide("client", 1, List.of(LIMIT));
            assertThat(first.degraded()).as("the local fallback decided").isTrue();
            assertThat(first.allowed()).as("local-fallback at share 1.0 allows the first request").isTrue();
            assertThat(store.degraded()).isTrue();
            assertThat(events.errors).isNotEmpty().allSatisfy(e ->
                    assertThat(String.valueOf(e.getMessage())).containsAnyOf("NOAUTH", "AUTH", "auth", "Unable"));
        }
    }

    /** Runs {@code count} decisions on {@code threads} threads at once. */
    static List<Decision> concurrently(int threads, int count, java.util.function.Supplier<Decision> decision)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Decision>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(pool.submit(decision::get));
            }
            List<Decision> out = new ArrayList<>();
            for (Future<Decision> f : futures) {
                out.add(f.get(1, TimeUnit.MINUTES));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
