package io.twisterlab.agents.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * In-process backend: a Caffeine cache bounded by bytes and by entries, with a variable expiry per entry.
 *
 * <p>Caffeine bounds either a count or a weight, not both, so both bounds are one weight: an entry weighs its
 * {@linkplain #bytes estimated bytes}, but never less than {@code maxBytes / maxEntries} (rounded up). The total
 * weight stays within {@code maxBytes}, hence the entries' bytes do too, and so many entries of the minimum weight
 * fill it that there are never more than {@code maxEntries}. The price is that small entries also spend budget of
 * the byte bound: a cache full of tiny entries holds {@code maxEntries} of them, and one of large values up to
 * {@code maxBytes} of them, but a mix evicts a little before either bound alone would.
 */
final class CaffeineBackend implements CacheBackend {
    /** Entry node, the stored record and two strings' headers, roughly, on a 64-bit JVM. */
    private static final int ENTRY_OVERHEAD = 128;

    private record Stored(String value, long ttlNanos) {
        boolean expires() {
            return ttlNanos != Long.MAX_VALUE;
        }
    }

    private final Cache<String, Stored> cache;
    private final long maxEntries;
    private final long maxBytes;
    private final long minWeight;

    CaffeineBackend(long maxEntries, long maxBytes, Ticker ticker) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        if (maxBytes < ENTRY_OVERHEAD) {
            throw new IllegalArgumentException("maxBytes must be at least " + ENTRY_OVERHEAD + ": " + maxBytes);
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.minWeight = (maxBytes + maxEntries - 1) / maxEntries;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, Stored stored) ->
                        (int) Math.min(Integer.MAX_VALUE, Math.max(bytes(key, stored.value()), minWeight)))
                .ticker(ticker)
                .expireAfter(new Expiry<String, Stored>() {
                    @Override
                    public long expireAfterCreate(String key, Stored value, long currentTime) {
                        return value.ttlNanos();
                    }

                    @Override
                    public long expireAfterUpdate(String key, Stored value, long currentTime, long currentDuration) {
                        return value.ttlNanos();
                    }

                    @Override
                    public long expireAfterRead(String key, Stored value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Optional<Entry> get(String key) {
        @Nullable Stored stored = cache.getIfPresent(key);
        if (stored == null) {
            return Optional.empty();
        }
        Duration ttl = null;
        if (stored.expires()) {
            OptionalLong left = cache.policy().expireVariably().map(p -> p.getExpiresAfter(key, TimeUnit.NANOSECONDS))
                    .orElse(OptionalLong.empty());
            if (left.isEmpty()) {
                return Optional.empty();
            }
            ttl = Duration.ofNanos(left.getAsLong());
        }
        return Optional.of(new Entry(stored.value(), ttl));
    }

    /** Java strings take at most two bytes per character (UTF-16; Latin-1 text takes one). */
    private static long bytes(String key, String value) {
        return 2L * (key.length() + value.length()) + ENTRY_OVERHEAD;
    }

    @Override
    public void set(String key, String value, @Nullable Duration ttl) {
        if (bytes(key, value) > maxBytes) {
            String message = "an entry of about " + bytes(key, value) + " bytes exceeds the whole cache's "
                    + maxBytes;
            throw new CacheBackendException(message, false, new IllegalArgumentException(message));
        }
        cache.put(key, new Stored(value, ttl == null ? Long.MAX_VALUE : ttl.toNanos()));
    }

    @Override
    public boolean delete(String key) {
        return cache.asMap().remove(key) != null;
    }

    @Override
    public KeyPage scan(String pattern, int limit) {
        Glob glob = Glob.compile(pattern);
        List<String> keys = new ArrayList<>();
        boolean truncated = false;
        for (String key : cache.asMap().keySet()) {
            if (glob.matches(key)) {
                if (keys.size() == limit) {
                    truncated = true;
                    break;
                }
                keys.add(key);
            }
        }
        keys.sort(null);
        return new KeyPage(keys, truncated);
    }

    @Override
    public Stats stats(String prefix) {
        cache.cleanUp();
        long count = cache.asMap().keySet().stream().filter(k -> k.startsWith(prefix)).count();
        long weighted = cache.policy().eviction().orElseThrow().weightedSize().orElse(0);
        return new Stats(count, true, null, Map.of("max_entries", maxEntries, "max_bytes", maxBytes,
                "weighted_bytes", weighted, "memory_note", "weighted_bytes estimates the whole cache, every "
                        + "namespace: 2 bytes per character plus " + ENTRY_OVERHEAD + " per entry, at least "
                        + minWeight + " (max_bytes / max_entries) per entry"));
    }

    @Override
    public void ping() {
        // in-process: always reachable
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }
}
