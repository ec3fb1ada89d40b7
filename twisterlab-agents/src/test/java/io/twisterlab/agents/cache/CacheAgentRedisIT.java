package io.twisterlab.agents.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.twisterlab.agents.monitoring.ServiceCheck;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.ratelimit.redis.RedisServerProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cache agent against a real redis-server, chosen like every Redis-backed test's ({@link RedisServerProcess}:
 * {@code TWISTERLAB_TEST_REDIS_SERVER}, else the binary shipped in embedded-redis — never whatever is on the PATH).
 * If no server can start, this test fails; it never skips.
 */
class CacheAgentRedisIT extends CacheBehaviour {
    private static RedisServerProcess server;
    private static int port;
    private CacheAgent agent;
    private CacheAgent neighbour;

    @BeforeAll
    static void startRedis() {
        server = RedisServerProcess.start();
        port = server.port();
    }

    @AfterAll
    static void stopRedis() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void start() {
        agent = CacheAgent.builder().backend(redis()).namespace("it:" + System.nanoTime() + ":").maxValueBytes(512)
                .build();
        neighbour = CacheAgent.builder().backend(redis()).namespace("nb:" + System.nanoTime() + ":").build();
        agent.start();
        neighbour.start();
    }

    @AfterEach
    void stop() {
        agent.stop();
        neighbour.stop();
    }

    private static CacheBackend redis() {
        return CacheBackend.redis("redis://127.0.0.1:" + port, Duration.ofSeconds(2));
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
    @SuppressWarnings("unchecked")
    void reportsServerMemoryAndIsHealthy() {
        Map<String, Object> stats = ok(agent, "cache_stats", Map.of());
        assertThat(stats).containsEntry("backend", "redis").containsEntry("key_count_exact", true);
        assertThat(stats.get("memory_bytes")).isNull();
        assertThat((Map<String, Object>) stats.get("details")).containsKeys("server_used_memory_bytes",
                "server_keys");
        assertThat(agent.health().status()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void theMonitoringRedisProbeGetsAPong() throws Exception {
        ServiceCheck probe = ServiceCheck.redis("redis", URI.create("redis://127.0.0.1:" + port),
                Duration.ofSeconds(1));
        assertThat(probe.check()).isEqualTo(ServiceCheck.Result.healthy("PING answered PONG"));
    }

    @Test
    void anUnreachableRedisIsBackendUnavailable() throws IOException {
        CacheAgent nowhere = CacheAgent.builder()
                .backend(CacheBackend.redis("redis://127.0.0.1:" + freePort(), Duration.ofMillis(500))).build();
        nowhere.start();
        try {
            for (String capability : List.of("cache_get", "cache_set", "cache_keys", "cache_stats")) {
                Map<String, Object> args = switch (capability) {
                    case "cache_get" -> Map.of("key", "k");
                    case "cache_set" -> Map.of("key", "k", "value", "v");
                    default -> Map.of();
                };
                AgentResponse response = run(nowhere, capability, args);
                assertThat(response.errorCode()).as(capability).contains("backend_unavailable");
            }
            assertThat(nowhere.health().status()).isEqualTo(HealthStatus.UNHEALTHY);
        } finally {
            nowhere.stop();
        }
    }

    @Test
    void aRedisOutageIsBackendUnavailableAndRecoveryIsSeen() {
        ok(agent, "cache_set", Map.of("key", "survivor", "value", "v"));
        server.stop();
        try {
            AgentResponse response = run(agent, "cache_get", Map.of("key", "survivor"));
            assertThat(response.success()).isFalse();
            assertThat(response.errorCode()).contains("backend_unavailable");
            assertThat(agent.health().status()).isEqualTo(HealthStatus.UNHEALTHY);
        } finally {
            server.restart();
        }
        // the same agent, without a restart, reconnects: a write then a read succeed within a bound (the client
        // reconnects in the background; polled with a deadline, not slept)
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        AgentResponse set = run(agent, "cache_set", Map.of("key", "after", "value", "back"));
        while (!set.success() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            set = run(agent, "cache_set", Map.of("key", "after", "value", "back"));
        }
        assertThat(set.success()).as("cache_set within 30 s of Redis restarting: %s", set.error()).isTrue();
        assertThat(ok(agent, "cache_get", Map.of("key", "after"))).containsEntry("value", "back");
        assertThat(agent.health().status()).as("health after recovery").isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void aCommandRedisRefusesIsBackendErrorNotUnavailable() {
        // a key of another type under the agent's namespace: Redis answers WRONGTYPE, it is up and refusing
        RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
        try (var connection = client.connect()) {
            connection.sync().rpush(agent.namespace() + "a_list", "x");
        } finally {
            client.shutdown();
        }
        AgentResponse response = run(agent, "cache_get", Map.of("key", "a_list"));
        assertThat(response.success()).isFalse();
        assertThat(response.errorCode()).contains("backend_error");
        assertThat(agent.health().status()).as("a refused command says nothing about the backend's health")
                .isEqualTo(HealthStatus.HEALTHY);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
