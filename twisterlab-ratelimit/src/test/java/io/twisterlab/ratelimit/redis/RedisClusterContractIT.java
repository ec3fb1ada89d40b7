package io.twisterlab.ratelimit.redis;

import io.twisterlab.ratelimit.AbstractGcraConformanceTest;
import io.twisterlab.ratelimit.FakeTicker;
import io.twisterlab.ratelimit.RateLimitStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store rules and GCRA conformance on a real 3-master Redis Cluster, built from a {@code redis-cluster://} URL. */
class RedisClusterContractIT extends AbstractGcraConformanceTest {

    private static RedisClusterProcess cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcess.start(3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @Override
    protected RateLimitStore createStore(FakeTicker ticker) {
        return RedisStoreContractIT.conformanceStore(cluster.seedUri(), ticker);
    }
}
