package io.twisterlab.agents.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.spi.ProviderContext;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Behaviour every backend must give the cache agent; subclasses supply a started agent per test. */
abstract class CacheBehaviour {
    /** Two agents over the same store, with different namespaces. */
    protected abstract CacheAgent agent();

    protected abstract CacheAgent neighbour();

    static AgentResponse run(CacheAgent agent, String capability, Map<String, ?> args) {
        return agent.execute(AgentCall.of(capability, args));
    }

    /**
     * A started agent as the server builds it, from {@code cache.backend=redis}, {@code redis.url} and the namespace,
     * every other setting at its default.
     */
    static CacheAgent redisAgent(String redisUrl, String namespace) {
        CacheAgent agent = (CacheAgent) new CacheAgentProvider().createAgents(ProviderContext.builder()
                .config("cache.backend", "redis").config("redis.url", redisUrl).config("cache.namespace", namespace)
                .build()).iterator().next();
        agent.start();
        return agent;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> ok(CacheAgent agent, String capability, Map<String, ?> args) {
        AgentResponse response = run(agent, capability, args);
        assertThat(response.success()).as("%s", response.error()).isTrue();
        return (Map<String, Object>) response.data();
    }

    @Test
    void storesAndReadsStrings() {
        ok(agent(), "cache_set", Map.of("key", "greeting", "value", "hello"));
        Map<String, Object> got = ok(agent(), "cache_get", Map.of("key", "greeting"));
        assertThat(got).containsEntry("key", "greeting").containsEntry("found", true)
                .containsEntry("value", "hello");
        assertThat(got.get("ttl")).isNull();
    }

    @Test
    void jsonValuesRoundTrip() {
        ok(agent(), "cache_set", Map.of("key", "user:1",
                "value", Map.of("name", "Ada", "tags", List.of(1, 2), "admin", true)));
        Map<String, Object> got = ok(agent(), "cache_get", Map.of("key", "user:1"));
        assertThat(got.get("value")).isEqualTo(Map.of("name", "Ada", "tags", List.of(1, 2), "admin", true));
        ok(agent(), "cache_set", Map.of("key", "n", "value", 42));
        assertThat(ok(agent(), "cache_get", Map.of("key", "n")).get("value")).isEqualTo(42);
        ok(agent(), "cache_set", Map.of("key", "text", "value", "{not json, just a string"));
        assertThat(ok(agent(), "cache_get", Map.of("key", "text")).get("value")).isEqualTo("{not json, just a string");
    }

    @Test
    void missingKeysAreNotFoundAndCounted() {
        Map<String, Object> got = ok(agent(), "cache_get", Map.of("key", "absent"));
        assertThat(got).containsEntry("found", false);
        assertThat(got.get("value")).isNull();
        ok(agent(), "cache_set", Map.of("key", "present", "value", "x"));
        ok(agent(), "cache_get", Map.of("key", "present"));
        Map<String, Object> stats = ok(agent(), "cache_stats", Map.of());
        assertThat(stats).containsEntry("hits", 1L).containsEntry("misses", 1L).containsEntry("hit_rate", 0.5)
                .containsEntry("key_count", 1L);
    }

    @Test
    void ttlIsStoredAndReported() {
        ok(agent(), "cache_set", Map.of("key", "session", "value", "s", "ttl_seconds", 100));
        Map<String, Object> got = ok(agent(), "cache_get", Map.of("key", "session"));
        assertThat((Long) got.get("ttl")).isBetween(1L, 100L);
    }

    @Test
    void deletesOnlyWhatExists() {
        ok(agent(), "cache_set", Map.of("key", "doomed", "value", "x"));
        assertThat(ok(agent(), "cache_delete", Map.of("key", "doomed"))).containsEntry("deleted", true);
        assertThat(ok(agent(), "cache_delete", Map.of("key", "doomed"))).containsEntry("deleted", false);
        assertThat(ok(agent(), "cache_get", Map.of("key", "doomed"))).containsEntry("found", false);
    }

    @Test
    @SuppressWarnings("unchecked")
    void listsKeysByPatternWithinTheNamespaceOnly() {
        for (int i = 0; i < 15; i++) {
            ok(agent(), "cache_set", Map.of("key", "item:" + i, "value", "v"));
        }
        ok(agent(), "cache_set", Map.of("key", "other", "value", "v"));
        ok(neighbour(), "cache_set", Map.of("key", "item:99", "value", "neighbour's"));

        Map<String, Object> items = ok(agent(), "cache_keys", Map.of("pattern", "item:*", "limit", 100));
        assertThat((List<String>) items.get("keys")).hasSize(15).allMatch(k -> k.startsWith("item:"))
                .doesNotContain("item:99");
        assertThat(items.get("truncated")).isEqualTo(false);
        Map<String, Object> limited = ok(agent(), "cache_keys", Map.of("pattern", "item:1?", "limit", 3));
        assertThat((List<String>) limited.get("keys")).hasSize(3).allMatch(k -> k.matches("item:1\\d"));
        assertThat(limited.get("truncated")).isEqualTo(true);
        assertThat((List<String>) ok(agent(), "cache_keys", Map.of()).get("keys")).hasSize(16);

        assertThat(ok(agent(), "cache_get", Map.of("key", "item:99"))).containsEntry("found", false);
        assertThat(ok(agent(), "cache_delete", Map.of("key", "item:99"))).containsEntry("deleted", false);
        assertThat(ok(neighbour(), "cache_get", Map.of("key", "item:99"))).containsEntry("value", "neighbour's");
        assertThat(ok(neighbour(), "cache_stats", Map.of())).containsEntry("key_count", 1L);
    }

    @Test
    void rejectsBadKeysAndOversizedValues() {
        assertThat(run(agent(), "cache_get", Map.of("key", "")).errorCode()).contains("invalid_key");
        assertThat(run(agent(), "cache_set", Map.of("key", "a\nb", "value", "x")).errorCode())
                .contains("invalid_key");
        assertThat(run(agent(), "cache_set", Map.of("key", "big", "value", "\"".repeat(300))).errorCode())
                .contains("value_too_large");
    }
}
