package io.twisterlab.bench;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.command.CommandListener;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.redis.RedisEndpoint;
import io.twisterlab.ratelimit.redis.RedisStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where the {@link RedisHarness} sends its decisions — one {@code redis-server} ({@code redis://}) or a Redis Cluster
 * ({@code redis-cluster://} seeds, parsed by the library's {@link RedisEndpoint}) — and what every peer needs from it:
 * connections for our store and Bucket4j on one client that counts the commands it sends, and an admin view of every
 * master ({@code FLUSHALL}, {@code SCRIPT LOAD}, {@code INFO commandstats}) on a second client that is not counted.
 *
 * <pre>{@code
 * try (RedisTarget target = RedisTarget.connect("redis-cluster://127.0.0.1:7000,127.0.0.1:7001", listener)) {
 *     RedisStore store = target.store(RedisStore.DEFAULT_MAX_BATCH_SIZE);   // closed with the target
 *     List<Map<String, Long>> perMaster = target.commandStats();
 * }
 * }</pre>
 */
abstract sealed class RedisTarget implements AutoCloseable permits RedisTarget.Standalone, RedisTarget.Cluster {

    /** Bucket4j's keys expire 10 s after their bucket would be full again, as in every earlier run. */
    static final ExpirationAfterWriteStrategy B4J_EXPIRY =
            ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));
    static final RedisCodec<String, byte[]> BUCKET4J_CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final String label;
    private final List<RedisStore> stores = new ArrayList<>();
    private final List<StatefulConnection<?, ?>> connections = new ArrayList<>();

    private RedisTarget(String label) {
        this.label = label;
    }

    /**
     * @param uri      {@code redis://host:port} or {@code redis-cluster://host:port[,host:port...]}
     * @param listener told about every command the peers' connections send
     * @return the target, connected
     */
    static RedisTarget connect(String uri, CommandListener listener) {
        RedisEndpoint endpoint = RedisEndpoint.parse(uri);
        return switch (endpoint.topology()) {
            case STANDALONE -> new Standalone(endpoint.lettuceUris().get(0), listener);
            case CLUSTER -> new Cluster(endpoint.lettuceUris(), listener);
            case SENTINEL -> throw new IllegalArgumentException("the harness targets redis:// or redis-cluster://, got "
                    + endpoint.redacted());
        };
    }

    /** @return how the report names this target: {@code redis} or {@code cluster, N masters} */
    final String label() {
        return label;
    }

    /** @return whether this is a Redis Cluster (our store then sends one script call per decision) */
    abstract boolean cluster();

    /**
     * @param maxBatchSize the store's batch size (ignored by the store on Cluster)
     * @return our store on a new connection, both closed with the target
     */
    final RedisStore store(int maxBatchSize) {
        RedisStore store = storeOnNewConnection()
                .timeout(Duration.ofSeconds(10))
                .failurePolicy(FailurePolicy.FAIL_CLOSED)
                .maxBatchSize(maxBatchSize)
                .build();
        stores.add(store);
        return store;
    }

    /** @return Bucket4j's Lettuce compare-and-swap proxy manager on a new connection, closed with the target */
    abstract ProxyManager<String> bucket4j();

    /** Empties every master. */
    final void flushAll() {
        masters().forEach(RedisCommands::flushall);
    }

    /**
     * Loads the script on every master.
     *
     * @param source a Lua script
     * @return its SHA-1
     */
    final String scriptLoad(String source) {
        String sha = "";
        for (RedisCommands<String, String> m : masters()) {
            sha = m.scriptLoad(source);
        }
        return sha;
    }

    /** @return per master (in port order), each command's {@code calls} from {@code INFO commandstats} */
    final List<Map<String, Long>> commandStats() {
        List<Map<String, Long>> all = new ArrayList<>();
        for (RedisCommands<String, String> m : masters()) {
            Map<String, Long> calls = new TreeMap<>();
            for (String line : m.info("commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_")) {
                    String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                    int from = line.indexOf("calls=") + "calls=".length();
                    int to = line.indexOf(',', from);
                    calls.put(name, Long.parseLong(line.substring(from, to)));
                }
            }
            all.add(calls);
        }
        return all;
    }

    /** @return the first master's {@code redis_version} */
    final String version() {
        for (String line : masters().get(0).info("server").split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                return line.substring("redis_version:".length()).strip();
            }
        }
        return "?";
    }

    /** @return {@code redis-benchmark}'s options that reach this target ({@code -h}, {@code -p}, {@code --cluster}) */
    abstract List<String> redisBenchmarkTarget();

    /**
     * The part of {@code redis-benchmark}'s key that routes it: {@code {hot}} or {@code {__rand_int__}} on one node;
     * on Cluster, {@code redis-benchmark --cluster} replaces {@code {tag}} by a tag of the node each of its clients
     * talks to, so spread keys are {@code {tag}:__rand_int__} (one slot per master, keys still distinct) and a single
     * hot key has no equivalent (every master would get its own).
     *
     * @param hot whether every call uses the same key
     * @return the routing part of the key, or empty when the reference cannot run this scenario here
     */
    abstract Optional<String> redisBenchmarkKey(boolean hot);

    /** @return a builder of our store on a new connection, {@linkplain #track tracked} */
    abstract RedisStore.Builder storeOnNewConnection();

    /** @return synchronous admin commands on every master, in port order */
    abstract List<RedisCommands<String, String>> masters();

    /** @return the clients to shut down, once every connection is closed */
    abstract List<AbstractRedisClient> clients();

    /**
     * @param connection a connection this target opened
     * @param <C>        its type
     * @return the connection, to be closed with the target
     */
    final <C extends StatefulConnection<?, ?>> C track(C connection) {
        connections.add(connection);
        return connection;
    }

    @Override
    public final void close() {
        stores.forEach(RedisStore::close);
        connections.forEach(StatefulConnection::close);
        clients().forEach(AbstractRedisClient::shutdown);
    }

    /** One {@code redis-server}. */
    static final class Standalone extends RedisTarget {
        private final RedisURI uri;
        private final RedisClient client;
        private final RedisClient adminClient;
        private final RedisCommands<String, String> admin;

        Standalone(RedisURI uri, CommandListener listener) {
            super("redis");
            this.uri = uri;
            this.client = RedisClient.create(uri);
            client.addListener(listener);
            this.adminClient = RedisClient.create(uri);
            this.admin = track(adminClient.connect()).sync();
        }

        @Override
        boolean cluster() {
            return false;
        }

        @Override
        RedisStore.Builder storeOnNewConnection() {
            return RedisStore.builder(track(client.connect()));
        }

        @Override
        ProxyManager<String> bucket4j() {
            StatefulRedisConnection<String, byte[]> c = track(client.connect(BUCKET4J_CODEC));
            return Bucket4jLettuce.casBasedBuilder(c).expirationAfterWrite(B4J_EXPIRY).build();
        }

        @Override
        List<RedisCommands<String, String>> masters() {
            return List.of(admin);
        }

        @Override
        List<String> redisBenchmarkTarget() {
            return List.of("-h", uri.getHost(), "-p", Integer.toString(uri.getPort()));
        }

        @Override
        Optional<String> redisBenchmarkKey(boolean hot) {
            return Optional.of(hot ? "{hot}" : "{__rand_int__}");
        }

        @Override
        List<AbstractRedisClient> clients() {
            return List.of(client, adminClient);
        }
    }

    /** A Redis Cluster: Lettuce's cluster client with its defaults, every master's admin connection. */
    static final class Cluster extends RedisTarget {
        private final List<RedisURI> seeds;
        private final RedisClusterClient client;
        private final RedisClusterClient adminClient;
        private final List<RedisCommands<String, String>> masters = new ArrayList<>();

        Cluster(List<RedisURI> seeds, CommandListener listener) {
            this(seeds, listener, RedisClusterClient.create(seeds));
        }

        private Cluster(List<RedisURI> seeds, CommandListener listener, RedisClusterClient admin) {
            super("cluster, " + masterNodes(admin).size() + " masters");
            this.seeds = seeds;
            this.adminClient = admin;
            this.client = RedisClusterClient.create(seeds);
            client.addListener(listener);
            StatefulRedisClusterConnection<String, String> adminConnection = track(admin.connect());
            for (RedisClusterNode node : masterNodes(admin)) {
                masters.add(adminConnection.getConnection(node.getUri().getHost(), node.getUri().getPort()).sync());
            }
        }

        private static List<RedisClusterNode> masterNodes(RedisClusterClient client) {
            return client.getPartitions().stream()
                    .filter(n -> n.getRole().isUpstream())
                    .sorted(Comparator.comparingInt(n -> n.getUri().getPort()))
                    .toList();
        }

        @Override
        boolean cluster() {
            return true;
        }

        @Override
        RedisStore.Builder storeOnNewConnection() {
            return RedisStore.builder(track(client.connect()));
        }

        @Override
        ProxyManager<String> bucket4j() {
            StatefulRedisClusterConnection<String, byte[]> c = track(client.connect(BUCKET4J_CODEC));
            return Bucket4jLettuce.casBasedBuilder(c).expirationAfterWrite(B4J_EXPIRY).build();
        }

        @Override
        List<RedisCommands<String, String>> masters() {
            return masters;
        }

        @Override
        List<String> redisBenchmarkTarget() {
            RedisURI seed = seeds.get(0);
            return List.of("-h", seed.getHost(), "-p", Integer.toString(seed.getPort()), "--cluster");
        }

        @Override
        Optional<String> redisBenchmarkKey(boolean hot) {
            return hot ? Optional.empty() : Optional.of("{tag}:__rand_int__");
        }

        @Override
        List<AbstractRedisClient> clients() {
            return List.of(client, adminClient);
        }
    }
}
