package io.twisterlab.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.ratelimit.RateLimitStoreException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisConnectionsTest {

    @Test
    void splitsClusterUrisIntoSeedNodes() {
        assertThat(RedisConnections.isCluster("redis-cluster://a:7000,b:7001")).isTrue();
        assertThat(RedisConnections.isCluster("redis://a:6379")).isFalse();
        assertThat(RedisConnections.clusterSeeds("redis-cluster://a:7000, b:7001"))
                .containsExactly("redis://a:7000", "redis://b:7001");
        assertThat(RedisConnections.clusterSeeds("rediss-cluster://user:secret@a:7000,b:7001/0?timeout=5s"))
                .containsExactly("rediss://user:secret@a:7000/0?timeout=5s", "rediss://user:secret@b:7001/0?timeout=5s");
        assertThatThrownBy(() -> RedisConnections.clusterSeeds("redis-cluster://a:7000,,b:7001"))
                .hasMessageContaining("empty host");
    }

    @Test
    void validatesTheBuilder() {
        assertThatThrownBy(() -> RedisStore.builder("redis://x").keyPrefix("a{b"))
                .hasMessageContaining("must not contain");
        assertThatThrownBy(() -> RedisStore.builder("redis://x").timeout(Duration.ZERO))
                .hasMessageContaining("timeout must be positive");
        assertThatThrownBy(() -> RedisStore.builder("redis://x").localFallbackShare(0))
                .hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> RedisStore.builder("redis://x").failClosedRetryAfter(Duration.ofSeconds(-1)))
                .hasMessageContaining("positive");
    }

    @Test
    void failsToBuildWhenTheUriIsInvalid() {
        assertThatThrownBy(() -> RedisStore.builder("not a uri").build())
                .isInstanceOf(RateLimitStoreException.class)
                .hasMessageContaining("cannot connect");
    }
}
