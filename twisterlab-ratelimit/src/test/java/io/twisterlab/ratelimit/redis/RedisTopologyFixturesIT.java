package io.twisterlab.ratelimit.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The cluster and sentinel fixtures themselves: what they promise holds on a plain Lettuce client. */
class RedisTopologyFixturesIT {

    @Test
    void clusterServesEverySlotAndMigratesOneWithItsKeys() {
        try (RedisClusterProcess cluster = RedisClusterProcess.start(3)) {
            List<RedisURI> seeds = cluster.ports().stream().map(p -> RedisURI.create("redis://127.0.0.1:" + p))
                    .collect(Collectors.toList());
            RedisClusterClient client = RedisClusterClient.create(seeds);
            try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
                c.sync().set("{a}x", "1");
                c.sync().set("{b}x", "2");
                c.sync().set("{c}x", "3");
                int slot = RedisClusterProcess.slotOf("{a}x");
                int owner = cluster.portOwning(slot);
                int target = cluster.ports().stream().filter(p -> p != owner).findFirst().orElseThrow();
                cluster.migrateSlot(slot, target);
                assertEquals(target, cluster.portOwning(slot));
                assertEquals("1", c.sync().get("{a}x"), "the key moved with its slot and the client followed MOVED");
                assertEquals("3", c.sync().get("{c}x"));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void clusterPromotesAKilledMastersReplica() {
        try (RedisClusterProcess cluster = RedisClusterProcess.startWithReplicas(3)) {
            int slot = RedisClusterProcess.slotOf("{a}x");
            int master = cluster.portOwning(slot);
            int replica = cluster.replicaOf(master);
            RedisClient client = RedisClient.create();
            try (StatefulRedisConnection<String, String> c =
                    client.connect(RedisURI.create("redis://127.0.0.1:" + master))) {
                c.sync().set("{a}x", "1");
                assertEquals(1L, c.sync().waitForReplication(1, 2000));
            }
            cluster.kill(master);
            assertEquals(replica, cluster.awaitPromotion(master));
            assertEquals(replica, cluster.portOwning(slot));
            try (StatefulRedisConnection<String, String> c =
                    client.connect(RedisURI.create("redis://127.0.0.1:" + replica))) {
                assertEquals("1", c.sync().get("{a}x"), "the replicated key is served by the promoted replica");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void sentinelPromotesTheReplicaWhenTheMasterDies() {
        try (RedisSentinelProcess sentinel = RedisSentinelProcess.start(1)) {
            RedisClient client = RedisClient.create();
            try (StatefulRedisConnection<String, String> c = client.connect(RedisURI.create(sentinel.sentinelUri()))) {
                c.sync().set("k", "v");
                c.sync().waitForReplication(1, 2000);
                sentinel.killMaster();
                int promoted = sentinel.awaitPromotion();
                assertNotEquals(sentinel.masterPort(), promoted);
                try (StatefulRedisConnection<String, String> after =
                        client.connect(RedisURI.create(sentinel.sentinelUri()))) {
                    assertEquals("v", after.sync().get("k"), "replicated write survives the failover");
                }
            } finally {
                client.shutdown();
            }
        }
    }
}
