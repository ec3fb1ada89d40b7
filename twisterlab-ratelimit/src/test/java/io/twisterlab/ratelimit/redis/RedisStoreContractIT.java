package io.twisterlab.ratelimit.redis;

import io.twisterlab.ratelimit.AbstractGcraConformanceTest;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.FakeTicker;
import io.twisterlab.ratelimit.RateLimitStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The general store rules and GCRA conformance against a real redis-server. Redis {@code TIME} is replaced by the
 * fake ticker through the store's test hook, so refill and retry-after are checked to the microsecond;
 * {@link RedisStoreIT} covers the real clock.
 */
class RedisStoreContractIT extends AbstractGcraConformanceTest {

    private static RedisServerProcess redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected RateLimitStore createStore(FakeTicker ticker) {
        return conformanceStore(redis.uri(), ticker);
    }

    /** The store the conformance suite runs against at {@code uri}: fail-closed, on the suite's fake clock. */
    static RateLimitStore conformanceStore(String uri, FakeTicker ticker) {
        return RedisStore.builder(uri)
                .timeout(Duration.ofSeconds(5))
                .failurePolicy(FailurePolicy.FAIL_CLOSED)
                .testClock(ticker, Duration.ofHours(1).toMillis())
                .build();
    }
}
