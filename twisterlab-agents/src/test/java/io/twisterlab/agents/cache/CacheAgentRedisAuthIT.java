package io.twisterlab.agents.cache;

import static io.twisterlab.agents.cache.CacheBehaviour.ok;
import static io.twisterlab.agents.cache.CacheBehaviour.redisAgent;
import static io.twisterlab.agents.cache.CacheBehaviour.run;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.ratelimit.redis.RedisServerProcess;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The cache agent on a password-protected Redis ({@code requirepass}, as the Redis of {@code k8s/} runs), built by
 * its provider from {@code redis.url} with the defaults users get (no timeout override). The right password works;
 * a wrong or missing one is {@code backend_auth_failed} on every capability and in health, and the password is
 * neither in a response, in health, in the backend's description, nor in a log line.
 */
class CacheAgentRedisAuthIT {
    private static final String PASSWORD = "s3cret-cache-pw";
    private static RedisServerProcess server;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    static void startRedis() {
        server = RedisServerProcess.startWithPassword(PASSWORD);
    }

    @AfterAll
    static void stopRedis() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        assertThat(logs.list).allSatisfy(event -> {
            assertThat(event.getFormattedMessage()).doesNotContain(PASSWORD);
            for (var t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                assertThat(String.valueOf(t.getMessage())).doesNotContain(PASSWORD);
            }
        });
    }

    private static CacheAgent agent(String url) {
        return redisAgent(url, CacheAgent.DEFAULT_NAMESPACE);
    }

    @Test
    void withTheRightPasswordTheAgentReadsAndWrites() {
        CacheAgent agent = agent(server.uri(PASSWORD));
        try {
            ok(agent, "cache_set", Map.of("key", "k", "value", "v"));
            assertThat(ok(agent, "cache_get", Map.of("key", "k"))).containsEntry("value", "v");
            assertThat(ok(agent, "cache_keys", Map.of())).containsEntry("keys", List.of("k"));
            assertThat(ok(agent, "cache_stats", Map.of())).containsEntry("key_count", 1L);
            assertThat(agent.health().status()).isEqualTo(HealthStatus.HEALTHY);
        } finally {
            ok(agent, "cache_delete", Map.of("key", "k"));
            agent.stop();
        }
    }

    @Test
    void aWrongPasswordIsBackendAuthFailedWithoutThePassword() {
        String wrong = "wrong-" + PASSWORD;
        assertAuthFailed(agent(server.uri(wrong)), wrong);
    }

    @Test
    void aMissingPasswordIsBackendAuthFailed() {
        assertAuthFailed(agent(server.uri()), PASSWORD);
    }

    private static void assertAuthFailed(CacheAgent agent, String secret) {
        try {
            for (String capability : List.of("cache_get", "cache_set", "cache_delete", "cache_keys", "cache_stats")) {
                Map<String, Object> args = switch (capability) {
                    case "cache_get", "cache_delete" -> Map.of("key", "k");
                    case "cache_set" -> Map.of("key", "k", "value", "v");
                    default -> Map.of();
                };
                AgentResponse response = run(agent, capability, args);
                assertThat(response.errorCode()).as(capability).contains("backend_auth_failed");
                assertThat(response.findError().orElseThrow().message()).contains("credentials")
                        .doesNotContain(secret).doesNotContain(PASSWORD);
            }
            AgentHealth health = agent.health();
            assertThat(health.status()).isEqualTo(HealthStatus.UNHEALTHY);
            assertThat(health.message()).contains("credentials").doesNotContain(secret);
            assertThat(health.details()).containsEntry("error", "backend_auth_failed");
            assertThat(String.valueOf(health.details())).doesNotContain(secret);
            assertThat(agent.toString()).doesNotContain(secret);
        } finally {
            agent.stop();
        }
    }
}
