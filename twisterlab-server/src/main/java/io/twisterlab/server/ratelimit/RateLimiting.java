package io.twisterlab.server.ratelimit;

import io.twisterlab.ratelimit.DecisionListener;
import io.twisterlab.ratelimit.RateLimitStore;
import io.twisterlab.ratelimit.RateLimiter;
import io.twisterlab.ratelimit.StoreKind;
import io.twisterlab.ratelimit.memory.MemoryStore;
import io.twisterlab.ratelimit.redis.RedisStore;
import io.twisterlab.ratelimit.resilience4j.Resilience4jStore;
import io.twisterlab.server.ServerConfig;
import io.twisterlab.server.config.Redaction;
import io.twisterlab.server.observe.Metrics;
import java.util.Objects;

/** Creates the server's {@link RequestLimiter} from configuration. */
public final class RateLimiting {
    private RateLimiting() {
    }

    /**
     * The redis store does not need Redis to be up: while it is unreachable (at start-up too) the store is
     * degraded, the failure policy decides, {@code /ready} says so, and the store connects by itself when Redis
     * comes up.
     *
     * @throws IllegalStateException if the configured Redis URL is invalid (message without credentials)
     */
    public static RequestLimiter create(ServerConfig config, Metrics metrics) {
        ServerConfig.RateLimit rl = config.rateLimit();
        DecisionListener listener = StoreRequestLimiter.listener(metrics);
        if (rl.enabled()) {
            metrics.enableRateLimitMetrics();
        }
        RateLimitStore store = switch (rl.enabled() ? rl.store() : StoreKind.MEMORY) {
            case REDIS -> redisStore(config, listener);
            case RESILIENCE4J -> Resilience4jStore.builder().build();
            case MEMORY -> RateLimitStore.inMemory(rl.memoryMaxKeys());
        };
        if (rl.enabled() && store instanceof MemoryStore memory) {
            metrics.trackInMemoryKeys(memory::trackedKeys);
        } else if (rl.enabled() && store instanceof RedisStore redis) {
            metrics.trackInMemoryKeys(redis::localFallbackTrackedKeys); // in memory only while Redis is out
        }
        RateLimiter limiter = RateLimiter.builder(store).listener(listener).build();
        return new StoreRequestLimiter(config, limiter, metrics);
    }

    private static RedisStore redisStore(ServerConfig config, DecisionListener listener) {
        ServerConfig.RateLimit rl = config.rateLimit();
        // ServerConfig refuses ratelimit.store=redis without redis.url
        String url = Objects.requireNonNull(config.agentConfig().get("redis.url"), "redis.url");
        try {
            return RedisStore.builder(url)
                    .timeout(rl.redisTimeout())
                    .maxBatchSize(rl.redisMaxBatch())
                    .failurePolicy(rl.failurePolicy())
                    .localFallbackShare(rl.fallbackShare())
                    .localFallbackMaxKeys(rl.memoryMaxKeys())
                    .listener(listener)
                    .build();
        } catch (RuntimeException e) {
            // the ratelimit module's message is already redacted; the cause may quote the password
            throw new IllegalStateException("rate-limit store redis (TWISTERLAB_RATELIMIT_STORE): "
                    + "redis.url (TWISTERLAB_REDIS_URL) " + Redaction.message(url) + ": " + e.getMessage());
        }
    }
}
