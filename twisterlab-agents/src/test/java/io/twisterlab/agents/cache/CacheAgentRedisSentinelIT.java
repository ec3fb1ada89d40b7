package io.twisterlab.agents.cache;

import static io.twisterlab.agents.cache.CacheBehaviour.ok;
import static io.twisterlab.agents.cache.CacheBehaviour.redisAgent;
import static io.twisterlab.agents.cache.CacheBehaviour.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.twisterlab.agents.monitoring.ServiceCheck;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.ratelimit.redis.RedisSentinelProcess;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The cache agent on a real Sentinel set-up ({@link RedisSentinelProcess}: master, replica, three sentinels), built by
 * its provider from a {@code redis-sentinel://…#mymaster} URL with the defaults users get. It reads and writes
 * through the master the sentinels name; when that master is killed, the same agent, without a restart, writes and
 * reads on the promoted replica, and what was replicated before the crash is still there. If the set-up cannot
 * start, this test fails; it never skips.
 */
class CacheAgentRedisSentinelIT {
    private static final Duration RECOVERY = Duration.ofSeconds(60);

    @Test
    @SuppressWarnings("unchecked")
    void readsAndWritesThroughTheSentinelsAndFollowsTheFailoverWithoutARestart() throws Exception {
        try (RedisSentinelProcess sentinel = RedisSentinelProcess.start(3)) {
            CacheAgent agent = redisAgent(sentinel.sentinelUri(), CacheAgent.DEFAULT_NAMESPACE);
            try {
                ok(agent, "cache_set", Map.of("key", "before", "value", Map.of("n", 1)));
                assertThat(ok(agent, "cache_get", Map.of("key", "before"))).containsEntry("value", Map.of("n", 1));
                assertThat((List<String>) ok(agent, "cache_keys", Map.of()).get("keys")).containsExactly("before");
                // the agent wrote to the master the sentinels name, and replication carried it to the replica
                RedisClient direct = RedisClient.create();
                try {
                    assertThat(direct.connect(io.lettuce.core.RedisURI.create("redis://127.0.0.1:"
                            + sentinel.masterPort())).sync().get(agent.namespace() + "before")).isNotNull();
                    var replica = direct.connect(io.lettuce.core.RedisURI.create("redis://127.0.0.1:"
                            + sentinel.replicaPort())).sync();
                    await("the replica has the key", () -> replica.get(agent.namespace() + "before") != null);
                } finally {
                    direct.shutdown();
                }

                ServiceCheck probe = ServiceCheck.redis("redis", sentinel.sentinelUri(), Duration.ofSeconds(1));
                assertThat(probe.check().status()).isEqualTo(HealthStatus.HEALTHY);

                sentinel.killMaster();
                AgentResponse during = run(agent, "cache_get", Map.of("key", "before"));
                assertThat(during.success() || during.errorCode().orElseThrow().equals("backend_unavailable"))
                        .as("while the master is gone: a result or backend_unavailable, %s", during.error()).isTrue();
                sentinel.awaitPromotion();

                // the same agent, no restart: a write succeeds on the promoted replica within a bound
                await("cache_set after the failover", () -> run(agent, "cache_set",
                        Map.of("key", "after", "value", "promoted")).success());
                assertThat(ok(agent, "cache_get", Map.of("key", "after"))).containsEntry("value", "promoted");
                assertThat(ok(agent, "cache_get", Map.of("key", "before"))).as("replicated before the crash")
                        .containsEntry("value", Map.of("n", 1));
                assertThat((List<String>) ok(agent, "cache_keys", Map.of()).get("keys"))
                        .containsExactlyInAnyOrder("before", "after");
                assertThat(agent.health().status()).isEqualTo(HealthStatus.HEALTHY);
                // the probe keeps its client: once it has reconnected, the same client reaches the promoted master
                await("the monitoring probe, built before the failover, reaches the promoted master",
                        () -> pingsTheMaster(probe));
                probe.close();
                RedisClient promoted = RedisClient.create();
                try {
                    assertThat(promoted.connect(io.lettuce.core.RedisURI.create("redis://127.0.0.1:"
                            + sentinel.replicaPort())).sync().get(agent.namespace() + "after"))
                            .as("written on the promoted replica").isNotNull();
                } finally {
                    promoted.shutdown();
                }
            } finally {
                agent.stop();
            }
        }
    }

    /** Polls {@code condition} until true, failing after {@link #RECOVERY}. */
    private static boolean pingsTheMaster(ServiceCheck probe) {
        try {
            return probe.check().equals(ServiceCheck.Result.healthy("PING answered by every master"));
        } catch (Exception e) {
            throw new AssertionError("the probe threw instead of reporting", e);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as("%s within %s", what, RECOVERY).isTrue();
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
    }
}
