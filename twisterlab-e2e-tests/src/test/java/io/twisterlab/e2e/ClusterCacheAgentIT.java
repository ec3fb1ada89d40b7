package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.twisterlab.ratelimit.redis.RedisClusterProcess;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the packaged server with {@code cache.backend=redis} on a real 3-master Redis Cluster
 * ({@code redis-cluster://} seed list, every other setting at its default): keys the cache agent writes through one
 * instance land on every master and are read, listed and counted through the other.
 */
class ClusterCacheAgentIT extends E2eBase {
    static final int KEYS = 30;

    @Test
    void theCacheAgentWritesOnOneInstanceAndReadsAndListsEveryMastersKeysOnTheOther() throws Exception {
        RedisClusterProcess cluster = Cleanup.register(RedisClusterProcess.start(3));
        ApiKeys operator = ApiKeys.generate("cache-operator", "operator");
        List<ServerProcess.Builder> builders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            builders.add(server(i)
                    .env("TWISTERLAB_CACHE_BACKEND", "redis")
                    .env("TWISTERLAB_REDIS_URL", cluster.seedUri())
                    .env("TWISTERLAB_API_KEYS", ApiKeys.config(operator)));
        }
        List<ServerProcess> servers = startAll(builders);
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add("k" + i);
            JsonNode set = call(servers.get(0), operator, "cache_set", Map.of("key", "k" + i, "value", i));
            assertThat(set.path("success").asBoolean()).as(set.toString()).isTrue();
        }
        Set<Integer> masters = new HashSet<>();
        for (int i = 0; i < KEYS; i++) {
            String key = "twisterlab:cache:k" + i;
            int master = cluster.ports().indexOf(cluster.portOwning(RedisClusterProcess.slotOf(key)));
            assertThat(cluster.node(master).get(key)).as(key).isEqualTo(String.valueOf(i));
            masters.add(master);
        }
        assertThat(masters).as("masters holding the keys").hasSize(3);
        for (int i = 0; i < KEYS; i++) {
            JsonNode got = call(servers.get(1), operator, "cache_get", Map.of("key", "k" + i));
            assertThat(got.path("data").path("value").asInt(-1)).as(got.toString()).isEqualTo(i);
        }
        JsonNode listed = call(servers.get(1), operator, "cache_keys", Map.of("limit", 1000));
        Set<String> seen = new HashSet<>();
        listed.path("data").path("keys").forEach(k -> seen.add(k.asText()));
        assertThat(seen).as(listed.toString()).isEqualTo(keys);
        JsonNode limited = call(servers.get(1), operator, "cache_keys", Map.of("limit", 7));
        assertThat(limited.path("data").path("keys").size()).as(limited.toString()).isEqualTo(7);
        assertThat(limited.path("data").path("truncated").asBoolean()).isTrue();
        JsonNode stats = call(servers.get(1), operator, "cache_stats", Map.of());
        assertThat(stats.path("data").path("key_count").asInt()).as(stats.toString()).isEqualTo(KEYS);
        assertThat(stats.path("data").path("details").path("masters").asInt()).isEqualTo(3);
    }

    private static JsonNode call(ServerProcess s, ApiKeys who, String capability, Map<String, Object> args)
            throws Exception {
        HttpResponse<String> response = Http.postJson(s.uri("/api/v1/agents/cache/capabilities/" + capability),
                Http.bearer(who.key()), Http.JSON.writeValueAsString(args));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Http.json(response);
    }
}
