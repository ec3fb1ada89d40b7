package io.twisterlab.agents.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.agents.monitoring.MonitoringAgentProvider;
import io.twisterlab.agents.monitoring.ServiceCheck;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.spi.ProviderContext;
import io.twisterlab.ratelimit.redis.RedisClusterProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cache agent on a real 3-master Redis Cluster ({@link RedisClusterProcess}), built by its provider from a
 * {@code redis-cluster://} URL with the defaults users get. Every behaviour of {@link CacheBehaviour} holds, keys
 * written through one agent land on every master and are read, listed and counted through another agent (another
 * client), and {@code limit} holds across masters. If the cluster cannot start, this test fails; it never skips.
 */
class CacheAgentRedisClusterIT extends CacheBehaviour {
    private static final int MASTERS = 3;
    private static RedisClusterProcess cluster;
    private CacheAgent agent;
    private CacheAgent neighbour;
    private CacheAgent other;
    private String namespace;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcess.start(MASTERS);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void start() {
        namespace = "it:" + System.nanoTime() + ":";
        // built directly (the value bound CacheBehaviour tests), with the provider's default timeout
        agent = CacheAgent.builder().backend(CacheBackend.redis(cluster.seedUri(), Duration.ofSeconds(2)))
                .namespace(namespace).maxValueBytes(512).build();
        agent.start();
        neighbour = agent("nb:" + System.nanoTime() + ":");
        other = agent(namespace);
    }

    @AfterEach
    void stop() {
        agent.stop();
        neighbour.stop();
        other.stop();
    }

    private static CacheAgent agent(String namespace) {
        return redisAgent(cluster.seedUri(), namespace);
    }

    @Override
    protected CacheAgent agent() {
        return agent;
    }

    @Override
    protected CacheAgent neighbour() {
        return neighbour;
    }

    /** Keys {@code k0, k1, …} until every master holds at least {@code perMaster} of them (namespace included). */
    private List<String> keysOnEveryMaster(int perMaster) {
        Map<Integer, Integer> byPort = new HashMap<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; byPort.size() < MASTERS || byPort.values().stream().anyMatch(n -> n < perMaster); i++) {
            String key = "k" + i;
            keys.add(key);
            byPort.merge(cluster.portOwning(RedisClusterProcess.slotOf(namespace + key)), 1, Integer::sum);
        }
        assertThat(byPort.keySet()).containsExactlyInAnyOrderElementsOf(cluster.ports());
        return keys;
    }

    @Test
    @SuppressWarnings("unchecked")
    void keysWrittenByOneClientAreReadListedAndCountedByAnotherOnEveryMaster() {
        List<String> keys = keysOnEveryMaster(3);
        for (String key : keys) {
            ok(agent, "cache_set", Map.of("key", key, "value", "v-" + key));
        }
        // the keys really are spread: each is on the master that owns its slot, and every master owns some
        for (String key : keys) {
            int master = cluster.ports().indexOf(cluster.portOwning(RedisClusterProcess.slotOf(namespace + key)));
            assertThat(cluster.node(master).get(namespace + key)).as(key).isEqualTo("\"v-" + key + "\"");
        }
        for (String key : keys) {
            assertThat(ok(other, "cache_get", Map.of("key", key))).containsEntry("value", "v-" + key);
        }
        Map<String, Object> listed = ok(other, "cache_keys", Map.of("limit", 1000));
        assertThat((List<String>) listed.get("keys")).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(listed).containsEntry("truncated", false);

        Map<String, Object> stats = ok(other, "cache_stats", Map.of());
        assertThat(stats).containsEntry("key_count", (long) keys.size()).containsEntry("key_count_exact", true);
        Map<String, Object> details = (Map<String, Object>) stats.get("details");
        long serverKeys = 0;
        for (int i = 0; i < MASTERS; i++) {
            serverKeys += cluster.node(i).dbsize();
        }
        assertThat(details).containsEntry("masters", MASTERS).containsEntry("server_keys", serverKeys)
                .containsKey("server_used_memory_bytes");
        assertThat(other.health().status()).isEqualTo(HealthStatus.HEALTHY);

        for (String key : keys) {
            assertThat(ok(other, "cache_delete", Map.of("key", key))).containsEntry("deleted", true);
        }
        assertThat(ok(agent, "cache_keys", Map.of())).containsEntry("keys", List.of());
    }

    @Test
    @SuppressWarnings("unchecked")
    void concurrentCallsOfOneAgentOnEveryMasterAllSucceed() throws Exception {
        List<String> keys = keysOnEveryMaster(5);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Map<String, Object>>> calls = new ArrayList<>();
            for (String key : keys) {
                calls.add(pool.submit(() -> ok(agent, "cache_set", Map.of("key", key, "value", key))));
                calls.add(pool.submit(() -> ok(other, "cache_keys", Map.of("limit", 3))));
                calls.add(pool.submit(() -> ok(other, "cache_stats", Map.of())));
            }
            for (Future<Map<String, Object>> call : calls) {
                call.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        for (String key : keys) {
            assertThat(ok(other, "cache_get", Map.of("key", key))).containsEntry("value", key);
        }
        assertThat((List<String>) ok(other, "cache_keys", Map.of("limit", 1000)).get("keys"))
                .containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void theMonitoringRedisProbeOfTheClusterUrlPingsEveryMaster() throws Exception {
        ProviderContext context = ProviderContext.builder().config("cache.backend", "redis")
                .config("redis.url", cluster.seedUri()).build();
        assertThat(new MonitoringAgentProvider().createAgents(context)).as("the server's set-up accepts the URL")
                .hasSize(1);
        try (ServiceCheck probe = ServiceCheck.redis("redis", cluster.seedUri(), Duration.ofSeconds(1))) {
            for (int i = 0; i < 3; i++) { // one client, kept between probes
                assertThat(probe.check()).isEqualTo(ServiceCheck.Result.healthy("PING answered by every master"));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLimitHoldsAcrossMasters() {
        List<String> keys = keysOnEveryMaster(4);
        for (String key : keys) {
            ok(agent, "cache_set", Map.of("key", key, "value", 1));
        }
        int n = keys.size();
        for (int limit : new int[] {1, 5, n - 1}) {
            Map<String, Object> page = ok(other, "cache_keys", Map.of("limit", limit));
            assertThat((List<String>) page.get("keys")).as("limit %s", limit).hasSize(limit)
                    .doesNotHaveDuplicates().isSubsetOf(keys);
            assertThat(page).as("limit %s", limit).containsEntry("truncated", true);
        }
        Map<String, Object> all = ok(other, "cache_keys", Map.of("limit", n));
        assertThat(Set.copyOf((List<String>) all.get("keys"))).isEqualTo(new HashSet<>(keys));
        assertThat(all).containsEntry("truncated", false);
    }
}
