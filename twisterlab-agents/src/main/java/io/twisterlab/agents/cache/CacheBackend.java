package io.twisterlab.agents.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import io.twisterlab.ratelimit.redis.RedisEndpoint;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where the {@code cache} agent keeps its entries. Keys arrive already prefixed with the agent's namespace;
 * values are JSON text. Every method throws {@link CacheBackendException} when the store fails, so a failure is
 * never mistaken for a missing key. Implement it to plug in another store.
 *
 * <pre>{@code
 * CacheBackend memory = CacheBackend.inMemory(10_000, 64 * 1024 * 1024);
 * CacheBackend redis  = CacheBackend.redis("redis://localhost:6379/0", Duration.ofSeconds(2));
 * }</pre>
 */
public interface CacheBackend extends AutoCloseable {
    /** The default byte bound of {@link #inMemory(long) the in-memory backend}: 64 MiB. */
    long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    /** {@code memory}, {@code redis}, ... */
    String name();

    /** Acquires connections; must not fail because the store is down (operations report that). */
    default void start() {
    }

    Optional<Entry> get(String key);

    /** Stores {@code value}, replacing any previous one; {@code ttl} null means no expiry. */
    void set(String key, String value, @Nullable Duration ttl);

    /** True if a key was deleted. */
    boolean delete(String key);

    /**
     * Keys matching a Redis-style glob ({@code *}, {@code ?}, {@code [abc]}, {@code \} escapes), at most
     * {@code limit}, iterating incrementally (never Redis {@code KEYS}).
     */
    KeyPage scan(String pattern, int limit);

    /** Key count and memory for keys starting with {@code prefix}, as far as the store knows them. */
    Stats stats(String prefix);

    /** Round trip to the store; throws {@link CacheBackendException} if it is not reachable. */
    void ping();

    /** Releases connections. */
    @Override
    void close();

    /** An in-process cache (Caffeine) with per-entry expiry, of at most {@code maxEntries} and 64 MiB. */
    static CacheBackend inMemory(long maxEntries) {
        return inMemory(maxEntries, DEFAULT_MAX_BYTES);
    }

    /**
     * An in-process cache (Caffeine) with per-entry expiry, of at most {@code maxEntries} entries and about
     * {@code maxBytes} of keys and values (two bytes per character plus a per-entry overhead; see
     * {@code cache_stats}). An entry larger than {@code maxBytes} is refused.
     */
    static CacheBackend inMemory(long maxEntries, long maxBytes) {
        return new CaffeineBackend(maxEntries, maxBytes, Ticker.systemTicker());
    }

    /** As {@link #inMemory(long)} with an injected clock, for tests. */
    static CacheBackend inMemory(long maxEntries, Ticker ticker) {
        return new CaffeineBackend(maxEntries, DEFAULT_MAX_BYTES, ticker);
    }

    /**
     * Redis through Lettuce; {@code timeout} bounds connecting and every command. {@code redisUrl} is
     * {@code redis://[[user]:password@]host:port[/db]}, {@code rediss://…} (TLS),
     * {@code redis-sentinel://[password@]host:port[,host:port…][/db]#master} (follows failover) or
     * {@code redis-cluster://[password@]host:port[,host:port…]} ({@code rediss-cluster://} for TLS), parsed by
     * {@link RedisEndpoint}, the one parser the rate-limit store and the server use too.
     *
     * @throws IllegalArgumentException if the URL is invalid; the message never contains its credentials
     */
    static CacheBackend redis(String redisUrl, Duration timeout) {
        return new RedisBackend(RedisEndpoint.parse(redisUrl), timeout);
    }

    /**
     * A stored value.
     *
     * <pre>{@code
     * return Optional.of(new CacheBackend.Entry("\"hello\"", Duration.ofSeconds(30)));
     * }</pre>
     *
     * @param value JSON text
     * @param ttl   time to live left; null when the entry does not expire
     */
    record Entry(String value, @Nullable Duration ttl) {
        public Entry {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * One page of keys.
     *
     * <pre>{@code
     * return new CacheBackend.KeyPage(List.of("ns:a", "ns:b"), false);
     * }</pre>
     *
     * @param keys      matching keys (full keys, prefix included)
     * @param truncated whether more keys matched than were returned
     */
    record KeyPage(List<String> keys, boolean truncated) {
        public KeyPage {
            keys = List.copyOf(keys);
        }
    }

    /**
     * What the store knows about a namespace.
     *
     * <pre>{@code
     * return new CacheBackend.Stats(42L, true, null, Map.of("server_keys", 1000L));
     * }</pre>
     *
     * @param keyCount      keys under the prefix; null if unknown
     * @param keyCountExact false when counting stopped at a bound
     * @param memoryBytes   memory used by the namespace; null if the store cannot tell
     * @param details       store-specific facts, e.g. the server's total memory
     */
    record Stats(@Nullable Long keyCount, boolean keyCountExact, @Nullable Long memoryBytes,
                 Map<String, Object> details) {
        public Stats {
            details = Map.copyOf(details);
        }
    }
}
