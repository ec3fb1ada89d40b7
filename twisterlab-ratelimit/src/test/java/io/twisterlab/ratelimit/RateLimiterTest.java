package io.twisterlab.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.ratelimit.memory.MemoryStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private static final Limit LIMIT = Limit.of(2, Duration.ofSeconds(1));
    private static final Limit HOURLY = Limit.of(5, Duration.ofHours(1));

    private final FakeTicker ticker = new FakeTicker();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final DecisionListener listener = new DecisionListener() {
        @Override
        public void onDecision(String store, Decision decision, long storeNanos) {
            events.add(store + ":" + decision.limitId() + ":" + decision.outcome().label());
        }
    };

    @Test
    void decidesAndReportsEveryDecision() {
        try (RateLimiter limiter = RateLimiter.builder(store()).listener(listener).build()) {
            assertThat(limiter.decide("a", 1, LIMIT).allowed()).isTrue();
            assertThat(limiter.decide("a", 1, LIMIT, HOURLY).allowed()).isTrue();
            assertThat(limiter.decide("a", 1, List.of(LIMIT, HOURLY)).allowed()).isFalse();
            assertThat(events).containsExactly("memory:2-per-1s:allowed", "memory:2-per-1s:allowed",
                    "memory:2-per-1s:denied");
            assertThat(limiter.degraded()).isFalse();
            assertThat(limiter.shadow()).isFalse();
        }
    }

    @Test
    void shadowModeAllowsButReportsWouldDeny() {
        try (RateLimiter limiter = RateLimiter.builder(store()).listener(listener).shadow(true).build()) {
            limiter.decide("a", 2, LIMIT);
            Decision d = limiter.decide("a", 1, LIMIT);
            assertThat(d.allowed()).isTrue();
            assertThat(d.shadow()).isTrue();
            assertThat(d.outcome()).isEqualTo(Decision.Outcome.SHADOW_DENIED);
            assertThat(d.retryAfterNanos()).isEqualTo(500_000_000L);
            assertThat(events).containsExactly("memory:2-per-1s:allowed", "memory:2-per-1s:shadow_denied");
            RateLimiter enforcing = limiter.withShadow(false);
            assertThat(enforcing.decide("a", 1, LIMIT).allowed()).isFalse();
        }
    }

    @Test
    void decidesAsynchronously() {
        try (RateLimiter limiter = RateLimiter.builder(store()).listener(listener).build()) {
            Decision d = limiter.decideAsync("a", 1, LIMIT, HOURLY).toCompletableFuture().join();
            assertThat(d.remaining()).isEqualTo(1);
            assertThatThrownBy(() -> limiter.decideAsync("", 1, LIMIT).toCompletableFuture().join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void validatesRequests() {
        try (RateLimiter limiter = RateLimiter.of(store())) {
            assertThatThrownBy(() -> limiter.decide("", 1, LIMIT)).hasMessageContaining("subject");
            assertThatThrownBy(() -> limiter.decide("a", -1, LIMIT)).hasMessageContaining("cost");
            assertThatThrownBy(() -> limiter.decide("a", 1)).hasMessageContaining("at least one limit");
            assertThatThrownBy(() -> limiter.decide("a", 1, LIMIT, LIMIT)).hasMessageContaining("twice");
        }
    }

    @Test
    void survivesAFailingListener() {
        DecisionListener failing = new DecisionListener() {
            @Override
            public void onDecision(String store, Decision decision, long storeNanos) {
                throw new IllegalStateException("metrics down");
            }
        };
        try (RateLimiter limiter = RateLimiter.builder(store()).listener(failing).build()) {
            assertThat(limiter.decide("a", 1, LIMIT).allowed()).isTrue();
        }
    }

    @Test
    void parsesConfigurationNames() {
        assertThat(FailurePolicy.parse("fail-open")).isEqualTo(FailurePolicy.FAIL_OPEN);
        assertThat(FailurePolicy.parse("FAIL_CLOSED")).isEqualTo(FailurePolicy.FAIL_CLOSED);
        assertThat(FailurePolicy.parse(" local-fallback ")).isEqualTo(FailurePolicy.LOCAL_FALLBACK);
        assertThatThrownBy(() -> FailurePolicy.parse("open")).hasMessageContaining("'open'")
                .hasMessageContaining("fail-open, fail-closed or local-fallback");
        assertThat(StoreKind.parse("Redis")).isEqualTo(StoreKind.REDIS);
        assertThat(StoreKind.parse("resilience4j").configName()).isEqualTo("resilience4j");
        assertThatThrownBy(() -> StoreKind.parse("bucket4j")).hasMessageContaining("memory, redis or resilience4j");
    }

    @Test
    void everyConfigurationNameParsesBackAndAnUnknownOneIsNamedWithEveryAcceptedName() {
        for (StoreKind k : StoreKind.values()) {
            assertThat(StoreKind.parse(" " + k.configName().toUpperCase(java.util.Locale.ROOT) + " ")).isEqualTo(k);
        }
        for (FailurePolicy p : FailurePolicy.values()) {
            assertThat(FailurePolicy.parse(p.name())).isEqualTo(p);
        }
        assertThatThrownBy(() -> StoreKind.parse("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown rate-limit store '': expected memory, redis or resilience4j");
        assertThatThrownBy(() -> FailurePolicy.parse("open")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown failure policy 'open': expected fail-open, fail-closed or local-fallback");
        assertThatThrownBy(() -> StoreKind.parse(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void decisionsValidateAndDescribeThemselves() {
        Decision denied = Decision.deny(LIMIT, 0, 500_000_000L, 1_000_000_000L);
        assertThat(denied.retryAfter()).isEqualTo(Duration.ofMillis(500));
        assertThat(denied.resetAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(denied.quota()).isEqualTo(2);
        assertThat(denied.asDegraded().degraded()).isTrue();
        assertThat(Decision.deny(LIMIT, 0, Decision.NEVER, 0).retryAfter()).isGreaterThan(Duration.ofDays(365_000));
        assertThatThrownBy(() -> new Decision(true, LIMIT, 0, 5, 0, false, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Decision.allow(LIMIT, -1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private MemoryStore store() {
        return MemoryStore.builder().ticker(ticker).build();
    }
}
