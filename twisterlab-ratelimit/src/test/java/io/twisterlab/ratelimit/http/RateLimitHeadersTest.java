package io.twisterlab.ratelimit.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.FakeTicker;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.memory.MemoryStore;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    private static final Limit PER_SECOND = Limit.of(10, Duration.ofSeconds(1));

    @Test
    void describesAnAllowedDecision() {
        Decision d = Decision.allow(PER_SECOND, 7, 300_000_000L);
        assertThat(RateLimitHeaders.of(d, true)).containsExactly(
                Map.entry("RateLimit-Policy", "\"10-per-1s\";q=10;w=1"),
                Map.entry("RateLimit", "\"10-per-1s\";r=7;t=1"),
                Map.entry("X-RateLimit-Limit", "10"),
                Map.entry("X-RateLimit-Remaining", "7"),
                Map.entry("X-RateLimit-Reset", "1"));
    }

    @Test
    void describesADeniedDecisionWithRetryAfterRoundedUp() {
        Decision d = Decision.deny(Limit.parse("1000/1h"), 0, 3_600_000_001L, 3_600_000_000_000L);
        assertThat(RateLimitHeaders.of(d, false)).containsExactly(
                Map.entry("RateLimit-Policy", "\"1000-per-1h\";q=1000;w=3600"),
                Map.entry("RateLimit", "\"1000-per-1h\";r=0;t=4"),
                Map.entry("Retry-After", "4"));
        assertThat(RateLimitHeaders.retryAfter(Decision.deny(PER_SECOND, 0, 2_000_000_000L, 1L))).contains("2");
    }

    @Test
    void expressesSubSecondPeriodsPerSecond() {
        assertThat(RateLimitHeaders.policy(Decision.allow(Limit.parse("10/100ms"), 1, 0)))
                .isEqualTo("\"10-per-100ms\";q=100;w=1");
        assertThat(RateLimitHeaders.policy(Decision.allow(Limit.parse("3/1500ms"), 1, 0)))
                .isEqualTo("\"3-per-1500ms\";q=2;w=1");
    }

    @Test
    void sendsNoRetryAfterWhenAllowedShadowedOrNeverConforming() {
        Decision denied = Decision.deny(PER_SECOND, 0, 100_000_000L, 1_000_000_000L);
        assertThat(RateLimitHeaders.of(denied.asShadow(), false)).doesNotContainKey("Retry-After");
        Decision never = Decision.deny(PER_SECOND, 10, Decision.NEVER, 0);
        assertThat(RateLimitHeaders.of(never, false)).doesNotContainKey("Retry-After")
                .containsEntry("RateLimit", "\"10-per-1s\";r=10;t=0");
    }

    @Test
    void aClientWaitingExactlyRetryAfterIsAdmitted() {
        Random random = new Random(7);
        FakeTicker ticker = new FakeTicker();
        try (MemoryStore store = MemoryStore.builder().ticker(ticker).build()) {
            for (int i = 0; i < 200; i++) {
                long permits = 1L + random.nextInt(20);
                Limit limit = Limit.of("l" + i, permits, Duration.ofMillis(1 + random.nextInt(5000)));
                long cost = 1L + random.nextInt((int) permits);
                store.decide("c" + i, 1 + random.nextInt((int) permits), limit);
                ticker.advanceMicros(random.nextInt(1000));
                Decision d = store.decide("c" + i, cost, limit);
                if (d.allowed()) {
                    continue;
                }
                long seconds = Long.parseLong(RateLimitHeaders.retryAfter(d).orElseThrow());
                ticker.advance(Duration.ofSeconds(seconds));
                assertThat(store.decide("c" + i, cost, limit).allowed()).as("case %d", i).isTrue();
            }
        }
    }
}
