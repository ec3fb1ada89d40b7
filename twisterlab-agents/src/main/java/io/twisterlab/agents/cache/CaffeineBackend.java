package io.twisterlab.agents.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/** In-process backend: a size-bounded Caffeine cache with a variable expiry per entry. */
final class CaffeineBackend implements CacheBackend {
    private record Stored(String value, long ttlNanos) {
        boolean expires() {
            return ttlNanos != Long.MAX_VALUE;
        }
    }

    private final Cache<String, Stored> cache;

    CaffeineBackend(long maxEntries, Ticker ticker) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
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

    @Override
    public void set(String key, String value, @Nullable Duration ttl) {
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
        long max = cache.policy().eviction().map(Policy.Eviction::getMaximum).orElse(-1L);
        return new Stats(count, true, null, Map.of("max_entries", max,
                "memory_note", "an in-process cache does not measure its memory"));
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
