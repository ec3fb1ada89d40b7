package io.twisterlab.agents.cache;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis backend through one Lettuce connection. Connects lazily and reconnects automatically; while
 * disconnected, commands are rejected at once (not queued), so an outage is reported quickly as
 * {@code backend_unavailable}. Keys are listed with {@code SCAN}, never {@code KEYS}.
 */
final class RedisBackend implements CacheBackend {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);
    private static final int SCAN_BATCH = 500;
    private static final long COUNT_BOUND = 100_000;

    private final RedisURI uri;
    private final Duration timeout;
    private @Nullable RedisClient client;
    private @Nullable StatefulRedisConnection<String, String> connection;

    RedisBackend(String redisUrl, Duration timeout) {
        try {
            this.uri = RedisURI.create(redisUrl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid Redis URL", e);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.uri.setTimeout(timeout);
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public synchronized void start() {
        if (client != null) {
            return;
        }
        RedisClient c = RedisClient.create(uri);
        c.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        client = c;
        try {
            connection = c.connect();
        } catch (RedisException e) {
            LOG.warn("Redis at {}:{} is not reachable yet; cache operations fail until it is", uri.getHost(),
                    uri.getPort());
        }
    }

    private synchronized RedisCommands<String, String> commands() {
        RedisClient c = client;
        if (c == null) {
            throw new CacheBackendException("The Redis backend is not started", true, new IllegalStateException());
        }
        StatefulRedisConnection<String, String> conn = connection;
        if (conn == null) {
            conn = c.connect();
            connection = conn;
        }
        return conn.sync();
    }

    private <T> T call(Function<RedisCommands<String, String>, T> command) {
        try {
            return command.apply(commands());
        } catch (RedisCommandExecutionException e) {
            throw new CacheBackendException("Redis refused the command: " + e.getMessage(), false, e);
        } catch (RedisException e) {
            throw new CacheBackendException("Redis is not available", true, e);
        }
    }

    @Override
    public Optional<Entry> get(String key) {
        return call(redis -> {
            String value = redis.get(key);
            if (value == null) {
                return Optional.<Entry>empty();
            }
            long pttl = redis.pttl(key);
            if (pttl == -2) {
                return Optional.<Entry>empty(); // expired between the two commands
            }
            return Optional.of(new Entry(value, pttl < 0 ? null : Duration.ofMillis(pttl)));
        });
    }

    @Override
    public void set(String key, String value, @Nullable Duration ttl) {
        call(redis -> ttl == null ? redis.set(key, value) : redis.set(key, value, SetArgs.Builder.px(ttl.toMillis())));
    }

    @Override
    public boolean delete(String key) {
        return call(redis -> redis.del(key)) > 0;
    }

    @Override
    public KeyPage scan(String pattern, int limit) {
        return call(redis -> {
            Set<String> keys = new LinkedHashSet<>();
            ScanArgs args = ScanArgs.Builder.matches(pattern).limit(SCAN_BATCH);
            KeyScanCursor<String> cursor = redis.scan(args);
            while (true) {
                keys.addAll(cursor.getKeys());
                if (keys.size() > limit || cursor.isFinished()) {
                    break;
                }
                cursor = redis.scan(ScanCursor.of(cursor.getCursor()), args);
            }
            List<String> page = new ArrayList<>(keys);
            boolean truncated = page.size() > limit;
            List<String> result = new ArrayList<>(page.subList(0, Math.min(limit, page.size())));
            result.sort(null);
            return new KeyPage(result, truncated);
        });
    }

    @Override
    public Stats stats(String prefix) {
        return call(redis -> {
            ScanArgs args = ScanArgs.Builder.matches(Glob.escape(prefix) + "*").limit(SCAN_BATCH);
            Set<String> seen = new LinkedHashSet<>();
            KeyScanCursor<String> cursor = redis.scan(args);
            boolean exact = true;
            while (true) {
                seen.addAll(cursor.getKeys());
                if (cursor.isFinished()) {
                    break;
                }
                if (seen.size() >= COUNT_BOUND) {
                    exact = false;
                    break;
                }
                cursor = redis.scan(ScanCursor.of(cursor.getCursor()), args);
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("server_keys", redis.dbsize());
            @Nullable Long serverMemory = usedMemory(redis.info("memory"));
            if (serverMemory != null) {
                details.put("server_used_memory_bytes", serverMemory);
            }
            details.put("memory_note", "Redis reports memory for the whole server, not per namespace");
            return new Stats((long) seen.size(), exact, null, details);
        });
    }

    private static @Nullable Long usedMemory(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                try {
                    return Long.parseLong(line.substring("used_memory:".length()).trim());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    @Override
    public void ping() {
        call(RedisCommands::ping);
    }

    @Override
    public synchronized void close() {
        StatefulRedisConnection<String, String> conn = connection;
        connection = null;
        if (conn != null) {
            conn.close();
        }
        RedisClient c = client;
        client = null;
        if (c != null) {
            c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Override
    public String toString() {
        return "RedisBackend[" + uri.getHost() + ":" + uri.getPort() + "]";
    }
}
