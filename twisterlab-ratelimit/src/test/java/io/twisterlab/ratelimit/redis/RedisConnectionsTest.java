package io.twisterlab.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.DecisionListener;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.RateLimitStoreException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class RedisConnectionsTest {

    @Test
    void validatesTheBuilder() {
        assertThatThrownBy(() -> RedisStore.builder("redis://x").keyPrefix("a{b"))
                .hasMessageContaining("must not contain");
        assertThatThrownBy(() -> RedisStore.builder("redis://x").timeout(Duration.ZERO))
                .hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> RedisStore.builder("redis://x").localFallbackShare(0))
                .hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> RedisStore.builder("redis://x").connectTimeout(Duration.ZERO))
                .hasMessageContaining("connect timeout must be positive");
        assertThatThrownBy(() -> RedisStore.builder("redis://x").failClosedRetryAfter(Duration.ofSeconds(-1)))
                .hasMessageContaining("positive");
    }

    @Test
    void failsToBuildWhenTheUriIsInvalid() {
        assertThatThrownBy(() -> RedisStore.builder("not a uri").build())
                .isInstanceOf(RateLimitStoreException.class)
                .hasMessageStartingWith("invalid Redis URI for the rate-limit store: ");
        assertThatThrownBy(() -> RedisStore.builder("redis://user:s3cret@bad host:6379").build())
                .isInstanceOf(RateLimitStoreException.class)
                .hasMessageContaining("invalid Redis URI")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> RedisStore.builder("redis-cluster://a:7000,,b:7001").build())
                .isInstanceOf(RateLimitStoreException.class)
                .hasMessageContaining("empty host");
    }

    @Test
    void buildsADegradedStoreWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Boolean> modes = new CopyOnWriteArrayList<>();
        DecisionListener listener = new DecisionListener() {
            @Override
            public void onModeChange(String store, boolean degraded, String reason) {
                modes.add(degraded);
            }
        };
        try (RedisStore store = RedisStore.builder("redis://127.0.0.1:" + port)
                .failurePolicy(FailurePolicy.FAIL_CLOSED).listener(listener).build()) {
            assertThat(store.degraded()).isTrue();
            assertThat(modes).containsExactly(true);
            Decision d = store.decide("anyone", 1, Limit.parse("10/1s"));
            assertThat(d.degraded()).isTrue();
            assertThat(d.allowed()).isFalse();
            assertThat(store.decide("anyone", 0, Limit.parse("10/1s")).allowed()).as("a peek is allowed").isTrue();
        }
    }
}
