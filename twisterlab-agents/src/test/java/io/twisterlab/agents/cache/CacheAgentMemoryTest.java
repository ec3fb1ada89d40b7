package io.twisterlab.agents.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.benmanes.caffeine.cache.Ticker;
import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.spi.ProviderContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CacheAgentMemoryTest extends CacheBehaviour {
    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = nanos::get;
    private final CacheBackend shared = CacheBackend.inMemory(1000, ticker);
    private CacheAgent agent;
    private CacheAgent neighbour;

    @BeforeEach
    void start() {
        agent = CacheAgent.builder().backend(shared).maxValueBytes(512).build();
        neighbour = CacheAgent.builder().backend(shared).namespace("neighbour:").build();
        agent.start();
    }

    @AfterEach
    void stop() {
        agent.stop();
    }

    @Override
    protected CacheAgent agent() {
        return agent;
    }

    @Override
    protected CacheAgent neighbour() {
        return neighbour;
    }

    @Test
    void entriesExpireOnTheInjectedClock() {
        ok(agent, "cache_set", Map.of("key", "session", "value", "s", "ttl_seconds", 10));
        nanos.addAndGet(Duration.ofSeconds(4).toNanos());
        assertThat(ok(agent, "cache_get", Map.of("key", "session"))).containsEntry("ttl", 6L);
        nanos.addAndGet(Duration.ofSeconds(7).toNanos());
        assertThat(ok(agent, "cache_get", Map.of("key", "session"))).containsEntry("found", false);
    }

    @Test
    void aFailingBackendIsUnavailableNeverNotFound() {
        CacheAgent broken = CacheAgent.builder().backend(new BrokenBackend()).build();
        for (Map.Entry<String, Map<String, Object>> call : Map.<String, Map<String, Object>>of(
                "cache_get", Map.of("key", "k"),
                "cache_set", Map.of("key", "k", "value", "v"),
                "cache_delete", Map.of("key", "k"),
                "cache_keys", Map.of(),
                "cache_stats", Map.of()).entrySet()) {
            AgentResponse response = broken.execute(AgentCall.of(call.getKey(), call.getValue()));
            assertThat(response.success()).as(call.getKey()).isFalse();
            assertThat(response.errorCode()).as(call.getKey()).contains("backend_unavailable");
        }
        assertThat(broken.health().status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(agent.health().status()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void providerBuildsTheConfiguredBackendAndNamesBadKeys() {
        CacheAgentProvider provider = new CacheAgentProvider();
        CacheAgent memory = (CacheAgent) provider.createAgents(ProviderContext.empty()).iterator().next();
        assertThat(memory.namespace()).isEqualTo("twisterlab:cache:");
        CacheAgent custom = (CacheAgent) provider.createAgents(ProviderContext.builder()
                .config("cache.namespace", "app:").config("cache.max_entries", "5").build()).iterator().next();
        assertThat(custom.namespace()).isEqualTo("app:");
        assertThat(provider.createAgents(ProviderContext.builder().config("agents.cache.enabled", "false").build()))
                .isEmpty();
        for (String[] bad : new String[][] {{"cache.backend", "memcached"}, {"cache.max_entries", "0"},
                {"cache.namespace", ""}, {"redis.url", "::not a url"}}) {
            ProviderContext context = ProviderContext.builder().config("cache.backend",
                    bad[0].startsWith("redis") ? "redis" : "memory").config(bad[0], bad[1]).build();
            assertThatThrownBy(() -> provider.createAgents(context)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad[0]);
        }
    }

    @Test
    void providerTakesEveryRedisTopologyAndNeverQuotesTheCredentials() {
        CacheAgentProvider provider = new CacheAgentProvider();
        for (String url : List.of("redis://:pw@cache:6379/1", "rediss://cache:6380",
                "redis-sentinel://:pw@s1:26379,s2:26379/0#mymaster", "redis-cluster://:pw@n1:7000,n2:7001",
                "rediss-cluster://n1:7000")) {
            assertThat(provider.createAgents(ProviderContext.builder().config("cache.backend", "redis")
                    .config("redis.url", url).build())).as(url).hasSize(1);
        }
        for (String url : List.of("redis://:hunter2@cache:notaport", "redis-sentinel://:hunter2@s1:26379",
                "redis-cluster://:hunter2@n1:7000/3", "memcached://:hunter2@cache:11211")) {
            ProviderContext context = ProviderContext.builder().config("cache.backend", "redis")
                    .config("redis.url", url).build();
            assertThatThrownBy(() -> provider.createAgents(context)).as(url)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis.url")
                    .satisfies(e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage())).doesNotContain("hunter2");
                        }
                    });
        }
    }

    /** A store that is always down. */
    private static final class BrokenBackend implements CacheBackend {
        private static CacheBackendException down() {
            return new CacheBackendException("down", true, new java.io.IOException("connection refused"));
        }

        @Override
        public String name() {
            return "broken";
        }

        @Override
        public Optional<Entry> get(String key) {
            throw down();
        }

        @Override
        public void set(String key, String value, @Nullable Duration ttl) {
            throw down();
        }

        @Override
        public boolean delete(String key) {
            throw down();
        }

        @Override
        public KeyPage scan(String pattern, int limit) {
            throw down();
        }

        @Override
        public Stats stats(String prefix) {
            throw down();
        }

        @Override
        public void ping() {
            throw down();
        }

        @Override
        public void close() {
        }
    }
}
