package io.twisterlab.ratelimit.redis;

import static io.twisterlab.ratelimit.redis.RedisStoreIT.expectPolicy;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.RedisConnectionException;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.RateLimiter;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store built from a URI while Redis is down: the build succeeds, the store starts degraded under its failure
 * policy, and it connects by itself once Redis is up, without being rebuilt.
 */
class RedisStoreStartUpIT {

    private static final Limit HOURLY = Limit.of("hourly", 10, Duration.ofHours(1));

    @ParameterizedTest
    @EnumSource(FailurePolicy.class)
    void aStoreBuiltWhileRedisIsDownStartsDegradedAndConnectsWhenRedisComesUp(FailurePolicy policy) {
        RedisStoreIT.MutableClock breakerClock = new RedisStoreIT.MutableClock();
        RedisStoreIT.Recorder events = new RedisStoreIT.Recorder();
        CircuitBreakerConfig breaker = CircuitBreakerConfig.custom()
                .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMinutes(1)).permittedNumberOfCallsInHalfOpenState(1)
                .clock(breakerClock).build();
        try (RedisServerProcess redis = RedisServerProcess.reserve();
             RedisStore store = RedisStore.builder(redis.uri()).timeout(Duration.ofSeconds(2))
                     .connectTimeout(Duration.ofSeconds(2)).failurePolicy(policy).circuitBreaker(breaker)
                     .localFallbackShare(0.5).listener(events).build();
             RateLimiter limiter = RateLimiter.builder(store).listener(events).build()) {
            // like a mid-run outage: error and mode change reported, breaker open, the policy decides
            assertThat(store.degraded()).isTrue();
            assertThat(limiter.degraded()).isTrue();
            assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(events.modes).containsExactly(true);
            assertThat(events.errors).singleElement().isInstanceOf(RedisConnectionException.class);
            for (int i = 0; i < 6; i++) {
                expectPolicy(policy, limiter.decide("victim", 1, HOURLY), i);
            }
            expectPolicy(policy, limiter.decideAsync("victim", 1, HOURLY).toCompletableFuture().join(), 6);
            assertThat(events.errors).as("an open breaker does not try to connect").hasSize(1);
            assertThat(events.modes).as("the transition is reported once").containsExactly(true);

            redis.restart();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Decision after = null;
            while (System.nanoTime() < deadline) {
                breakerClock.advance(Duration.ofMinutes(2)); // the breaker lets a probe through
                after = limiter.decide("victim", 1, HOURLY);
                if (!after.degraded()) {
                    break;
                }
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
            assertThat(after).isNotNull();
            assertThat(after.degraded()).as("connected within the deadline").isFalse();
            assertThat(after.quota()).as("the whole limit again, not the local share").isEqualTo(10);
            assertThat(after.remaining()).isEqualTo(9);
            assertThat(store.degraded()).isFalse();
            assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(events.modes).containsExactly(true, false);

            // shared limiting: another instance sees what this one consumed
            try (RedisStore other = RedisStore.builder(redis.uri()).timeout(Duration.ofSeconds(2))
                    .failurePolicy(FailurePolicy.FAIL_CLOSED).build()) {
                assertThat(other.degraded()).isFalse();
                Decision peek = other.decide("victim", 0, HOURLY);
                assertThat(peek.degraded()).isFalse();
                assertThat(peek.remaining()).isEqualTo(9);
                assertThat(other.decide("victim", 1, HOURLY).remaining()).isEqualTo(8);
            }
            assertThat(limiter.decide("victim", 0, HOURLY).remaining()).isEqualTo(8);
        }
    }
}
