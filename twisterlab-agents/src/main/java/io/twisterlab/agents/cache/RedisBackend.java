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
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.twisterlab.ratelimit.redis.RedisEndpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis backend through one Lettuce connection: a single node ({@code redis://}, {@code rediss://}), the master
 * a Sentinel group names ({@code redis-sentinel://…#master}: after a failover the connection reconnects to the
 * promoted replica), or a Redis Cluster ({@code redis-cluster://}, {@code rediss-cluster://}: commands are routed by
 * slot, {@code MOVED}/{@code ASK} followed, the topology refreshed on them).
 *
 * <p>Connects lazily and reconnects automatically; while disconnected, commands are rejected at once (not queued),
 * so an outage is reported quickly as {@code backend_unavailable}. Every command names one key (no multi-key
 * command, so nothing crosses a Cluster slot). Keys are listed and counted with {@code SCAN}, never {@code KEYS},
 * on every master of a Cluster in turn. Credentials are never logged nor put in a message.
 */
final class RedisBackend implements CacheBackend {
    private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);
    private static final int SCAN_BATCH = 500;
    private static final long COUNT_BOUND = 100_000;

    private final List<RedisURI> seeds;
    private final boolean cluster;
    private final String description;
    private final Duration timeout;
    private @Nullable Link link;
    private @Nullable Connected connected;

    /**
     * @param endpoint a parsed {@code redis.url}
     * @param timeout  bound on connecting and on every command
     */
    RedisBackend(RedisEndpoint endpoint, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        this.seeds = endpoint.lettuceUris();
        this.seeds.forEach(uri -> uri.setTimeout(timeout));
        this.cluster = endpoint.topology() == RedisEndpoint.Topology.CLUSTER;
        this.description = endpoint.redacted();
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public synchronized void start() {
        if (link != null) {
            return;
        }
        link = cluster ? clusterLink() : nodeLink();
        try {
            connected = link.connect();
        } catch (RedisException e) {
            LOG.warn("Redis at {} is not reachable yet ({}); cache operations fail until it is", description,
                    isAuthFailure(e) ? "it refused the credentials" : "no connection");
        }
    }

    /** Reconnects within a second of the server being back (Lettuce's default backs off to 30 s). */
    private static ClientResources resources() {
        return DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
    }

    private Link nodeLink() {
        ClientResources resources = resources();
        RedisClient client = RedisClient.create(resources, seeds.get(0));
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        return new Link(() -> {
            StatefulRedisConnection<String, String> connection = client.connect();
            RedisClusterCommands<String, String> commands = connection.sync();
            return new Connected(commands, () -> List.of(commands), connection::close);
        }, () -> shutdown(client::shutdown, resources));
    }

    // topology refreshed on MOVED, ASK and reconnects: Lettuce 7's adaptive refresh triggers, all on by default
    private Link clusterLink() {
        ClientResources resources = resources();
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        client.setOptions(ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(timeout).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        return new Link(() -> {
            StatefulRedisClusterConnection<String, String> connection = client.connect();
            openMasterConnections(connection);
            return new Connected(connection.sync(), () -> masters(connection), connection::close);
        }, () -> shutdown(client::shutdown, resources));
    }

    /**
     * Opens the connections to every master now, by node id (SCAN, counts) and by host and port (what Lettuce 7
     * routes slots through). Lettuce opens them lazily, on a node's first command, and with {@code REJECT_COMMANDS}
     * Lettuce 7.7 rejects that first command ("Currently not connected") while the connection is still being made. A master that cannot be reached now is left to Lettuce (it connects on
     * demand; its keys are {@code backend_unavailable} meanwhile).
     */
    private static void openMasterConnections(StatefulRedisClusterConnection<String, String> connection) {
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.getRole().isUpstream()) {
                try {
                    connection.getConnection(node.getNodeId());
                    connection.getConnection(node.getUri().getHost(), node.getUri().getPort());
                } catch (RedisException e) {
                    LOG.debug("cannot open a connection to a cluster master yet: {}", e.getClass().getSimpleName());
                }
            }
        }
    }

    /** One command interface per master the connection knows of, so that SCAN and counts cover the whole Cluster. */
    private static List<RedisClusterCommands<String, String>> masters(
            StatefulRedisClusterConnection<String, String> connection) {
        List<RedisClusterCommands<String, String>> masters = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            if (node.getRole().isUpstream() && !node.getSlots().isEmpty()) {
                masters.add(connection.getConnection(node.getNodeId()).sync());
            }
        }
        if (masters.isEmpty()) {
            throw new RedisException("the Cluster has no master serving slots");
        }
        return masters;
    }

    private static void shutdown(Runnable client, ClientResources resources) {
        try {
            client.run();
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    private synchronized Connected connected() {
        Link l = link;
        if (l == null) {
            throw new CacheBackendException("The Redis backend is not started", CacheBackendException.Reason.UNAVAILABLE,
                    new IllegalStateException());
        }
        Connected c = connected;
        if (c == null) {
            try {
                c = l.connect();
            } catch (RedisException e) {
                if (!(e.getCause() instanceof IllegalStateException)) {
                    throw e;
                }
                // Lettuce lost a race with its own handshake ("RedisHandshakeHandler not registered", seen about
                // once in 60 connects refused by AUTH): not an answer from Redis, so one more attempt says what Redis
                // says
                c = l.connect();
            }
            connected = c;
        }
        return c;
    }

    private <T> T call(Function<Connected, T> command) {
        try {
            return command.apply(connected());
        } catch (RedisException e) {
            if (isAuthFailure(e)) {
                throw new CacheBackendException("Redis refused the credentials", CacheBackendException.Reason.AUTHENTICATION,
                        e);
            }
            if (e instanceof RedisCommandExecutionException) {
                throw new CacheBackendException("Redis refused the command", CacheBackendException.Reason.REFUSED, e);
            }
            throw new CacheBackendException("Redis is not available", CacheBackendException.Reason.UNAVAILABLE, e);
        }
    }

    /**
     * Whether Redis answered an authentication error somewhere in {@code e}'s causes: a wrong password
     * ({@code WRONGPASS}, {@code ERR invalid password}), a missing one ({@code NOAUTH}), or one given to a server
     * that has none ({@code ERR AUTH … without any password configured}).
     */
    static boolean isAuthFailure(Throwable e) {
        Set<Throwable> seen = new LinkedHashSet<>();
        List<Throwable> todo = new ArrayList<>(List.of(e));
        while (!todo.isEmpty()) {
            Throwable t = todo.remove(todo.size() - 1);
            if (!seen.add(t)) {
                continue;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toUpperCase(Locale.ROOT);
            if (t instanceof RedisCommandExecutionException && (message.startsWith("NOAUTH")
                    || message.startsWith("WRONGPASS") || message.startsWith("ERR INVALID PASSWORD")
                    || message.startsWith("ERR AUTH") || message.startsWith("ERR CLIENT SENT AUTH"))) {
                return true;
            }
            if (t.getCause() != null) {
                todo.add(t.getCause());
            }
            todo.addAll(List.of(t.getSuppressed()));
        }
        return false;
    }

    @Override
    public Optional<Entry> get(String key) {
        return call(c -> {
            String value = c.commands().get(key);
            if (value == null) {
                return Optional.<Entry>empty();
            }
            long pttl = c.commands().pttl(key);
            if (pttl == -2) {
                return Optional.<Entry>empty(); // expired between the two commands
            }
            return Optional.of(new Entry(value, pttl < 0 ? null : Duration.ofMillis(pttl)));
        });
    }

    @Override
    public void set(String key, String value, @Nullable Duration ttl) {
        call(c -> ttl == null ? c.commands().set(key, value)
                : c.commands().set(key, value, SetArgs.Builder.px(ttl.toMillis())));
    }

    @Override
    public boolean delete(String key) {
        return call(c -> c.commands().del(key)) > 0;
    }

    @Override
    public KeyPage scan(String pattern, int limit) {
        return call(c -> {
            Set<String> keys = new LinkedHashSet<>();
            ScanArgs args = ScanArgs.Builder.matches(pattern).limit(SCAN_BATCH);
            for (RedisClusterCommands<String, String> master : c.masters()) {
                if (!scanInto(master, args, keys, limit + 1L) || keys.size() > limit) {
                    break;
                }
            }
            List<String> page = new ArrayList<>(keys);
            boolean truncated = page.size() > limit;
            List<String> result = new ArrayList<>(page.subList(0, Math.min(limit, page.size())));
            result.sort(null);
            return new KeyPage(result, truncated);
        });
    }

    /**
     * SCANs one node into {@code keys} until it is done or {@code keys} holds {@code bound} keys.
     *
     * @return true if the node was scanned to the end
     */
    private static boolean scanInto(RedisClusterCommands<String, String> node, ScanArgs args, Set<String> keys,
                                    long bound) {
        KeyScanCursor<String> cursor = node.scan(args);
        while (true) {
            keys.addAll(cursor.getKeys());
            if (cursor.isFinished()) {
                return true;
            }
            if (keys.size() >= bound) {
                return false;
            }
            cursor = node.scan(ScanCursor.of(cursor.getCursor()), args);
        }
    }

    @Override
    public Stats stats(String prefix) {
        return call(c -> {
            ScanArgs args = ScanArgs.Builder.matches(Glob.escape(prefix) + "*").limit(SCAN_BATCH);
            Set<String> seen = new LinkedHashSet<>();
            List<RedisClusterCommands<String, String>> masters = c.masters();
            boolean exact = true;
            long serverKeys = 0;
            long serverMemory = 0;
            boolean memoryKnown = true;
            for (RedisClusterCommands<String, String> master : masters) {
                // past the bound, the remaining masters are not scanned and the count is a lower bound
                exact = exact && seen.size() < COUNT_BOUND && scanInto(master, args, seen, COUNT_BOUND);
                serverKeys += master.dbsize();
                @Nullable Long memory = usedMemory(master.info("memory"));
                memoryKnown &= memory != null;
                serverMemory += memory == null ? 0 : memory;
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("server_keys", serverKeys);
            if (memoryKnown) {
                details.put("server_used_memory_bytes", serverMemory);
            }
            details.put("masters", masters.size());
            details.put("memory_note", masters.size() == 1
                    ? "Redis reports memory for the whole server, not per namespace"
                    : "sums over the Cluster's masters; Redis reports memory per server, not per namespace");
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
        call(c -> {
            for (RedisClusterCommands<String, String> master : c.masters()) {
                master.ping();
            }
            return null;
        });
    }

    @Override
    public synchronized void close() {
        Connected c = connected;
        connected = null;
        if (c != null) {
            c.closer().run();
        }
        Link l = link;
        link = null;
        if (l != null) {
            l.shutdown().run();
        }
    }

    @Override
    public String toString() {
        return "RedisBackend[" + description + "]";
    }

    /** A client that is not connected yet: how to connect it (again, after a failed first attempt) and release it. */
    private record Link(java.util.function.Supplier<Connected> connector, Runnable shutdown) {
        Connected connect() {
            return connector.get();
        }
    }

    /**
     * An established connection: commands routed by key (to the node, the Sentinel group's master, or the Cluster
     * slot's master), every master for SCAN and counts, and how to close it.
     */
    private record Connected(RedisClusterCommands<String, String> commands,
                             java.util.function.Supplier<List<RedisClusterCommands<String, String>>> mastersNow,
                             Runnable closer) {
        List<RedisClusterCommands<String, String>> masters() {
            return mastersNow.get();
        }
    }
}
