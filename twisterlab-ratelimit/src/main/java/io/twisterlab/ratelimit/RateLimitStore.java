package io.twisterlab.ratelimit;

import io.twisterlab.ratelimit.memory.MemoryStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The SPI behind a {@link RateLimiter}: where GCRA state lives. This module ships an in-memory store
 * ({@link #inMemory()}, the default), a Redis store ({@code io.twisterlab.ratelimit.redis.RedisStore}) and a
 * resilience4j adapter ({@code io.twisterlab.ratelimit.resilience4j.Resilience4jStore}).
 *
 * <p>Contract, checked by {@code AbstractRateLimitStoreContractTest} (in this module's test jar, for your own
 * implementations too; GCRA stores also extend {@code AbstractGcraConformanceTest}, which checks the last rule):
 * <ul>
 *   <li>the subject is non-empty, the cost is non-negative, limits are non-empty with distinct ids
 *       ({@link IllegalArgumentException} otherwise);</li>
 *   <li>several limits are all-or-nothing: if any denies, nothing is consumed in any of them, and the most
 *       restrictive decision is returned (see {@link Decision});</li>
 *   <li>cost 0 peeks: always allowed, consumes nothing, reports the remaining permits;</li>
 *   <li>a denied request consumes nothing; a cost above a limit's burst is denied with
 *       {@link Decision#NEVER};</li>
 *   <li>GCRA with the integer emission interval of {@link Limit#emissionIntervalMicros()}: for the same arrival
 *       schedule every store returns the same decisions.</li>
 * </ul>
 *
 * <pre>{@code
 * try (RateLimitStore store = RateLimitStore.inMemory()) {
 *     Decision d = store.decide("user-42", 1, Limit.parse("10/1s"));
 * }
 * }</pre>
 */
public interface RateLimitStore extends AutoCloseable {

    /** @return a short name for logs and metrics labels, such as {@code memory} or {@code redis} */
    String name();

    /**
     * Decides one request against one limit. The default decides over {@code List.of(limit)}; a store with a
     * cheaper single-limit path overrides it.
     *
     * @param subject who is limited (client IP, API key, ...), non-empty
     * @param cost    permits requested, 0 to peek
     * @param limit   the limit
     * @return the decision
     */
    default Decision decide(String subject, long cost, Limit limit) {
        return decide(subject, cost, List.of(limit));
    }

    /**
     * Decides one request against several limits, all-or-nothing.
     *
     * @param subject who is limited, non-empty
     * @param cost    permits requested in each limit, 0 to peek
     * @param limits  the limits, non-empty, distinct ids
     * @return the most restrictive decision
     */
    Decision decide(String subject, long cost, List<Limit> limits);

    /**
     * The asynchronous form of {@link #decide(String, long, List)}. The default completes on the calling thread;
     * remote stores complete on their I/O threads.
     *
     * @param subject who is limited, non-empty
     * @param cost    permits requested in each limit, 0 to peek
     * @param limits  the limits, non-empty, distinct ids
     * @return the most restrictive decision, or a stage completed exceptionally with
     *         {@link IllegalArgumentException} for an invalid request
     */
    default CompletionStage<Decision> decideAsync(String subject, long cost, List<Limit> limits) {
        try {
            return CompletableFuture.completedFuture(decide(subject, cost, limits));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * @return true while decisions are made by a failure policy instead of the configured backend (always false
     *         for local stores); suitable for a readiness probe
     */
    default boolean degraded() {
        return false;
    }

    /** Releases the store's resources (connections it created; never an injected connection). */
    @Override
    void close();

    /**
     * The in-memory store with default settings (100,000 tracked keys, system ticker).
     *
     * @return a new store
     * @see MemoryStore#builder()
     */
    static MemoryStore inMemory() {
        return MemoryStore.builder().build();
    }

    /**
     * The in-memory store tracking at most {@code maxKeys} (limit, subject) pairs.
     *
     * @param maxKeys the hard cap on tracked keys
     * @return a new store
     */
    static MemoryStore inMemory(int maxKeys) {
        return MemoryStore.builder().maxKeys(maxKeys).build();
    }
}
