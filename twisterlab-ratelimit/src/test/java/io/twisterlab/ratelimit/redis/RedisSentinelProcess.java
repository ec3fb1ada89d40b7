package io.twisterlab.ratelimit.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A real Redis Sentinel set-up for integration tests: one master, one replica and 1 or 3 sentinels, all run by the
 * binary {@link RedisServerProcess} chooses (embedded 6.2 or {@code TWISTERLAB_TEST_REDIS_SERVER}; a sentinel is
 * {@code redis-server <config> --sentinel}). Sentinels declare the master down after
 * {@value #DOWN_AFTER_MILLIS} ms, so a failover takes seconds, not the production minute. {@link #start(int)} returns
 * once the replica is in sync and every sentinel knows the replica and the other sentinels; it fails the test, never
 * skips, when that does not happen.
 *
 * <pre>{@code
 * try (RedisSentinelProcess sentinel = RedisSentinelProcess.start(3)) {
 *     RedisStore store = RedisStore.builder(sentinel.sentinelUri()).build();
 *     sentinel.killMaster();
 *     int newMaster = sentinel.awaitPromotion();
 * }
 * }</pre>
 */
public final class RedisSentinelProcess implements AutoCloseable {

    /** The name the sentinels monitor the master under. */
    public static final String MASTER_NAME = "mymaster";
    /** Sentinels' {@code down-after-milliseconds}. */
    public static final int DOWN_AFTER_MILLIS = 1000;
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final RedisClient admin = RedisClient.create();
    private final int masterPort;
    private final int replicaPort;
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final List<Process> sentinels = new ArrayList<>();
    private @Nullable Process master;
    private @Nullable Process replica;

    private RedisSentinelProcess(int masterPort, int replicaPort) {
        this.masterPort = masterPort;
        this.replicaPort = replicaPort;
    }

    /**
     * Starts a master, its replica and {@code sentinelCount} sentinels (quorum: a majority).
     *
     * @param sentinelCount 1 or 3
     * @return the running set-up, replica in sync, sentinels agreed
     */
    public static RedisSentinelProcess start(int sentinelCount) {
        if (sentinelCount != 1 && sentinelCount != 3) {
            throw new IllegalArgumentException("1 or 3 sentinels");
        }
        RedisSentinelProcess set = null;
        try {
            Path binary = RedisServerProcess.findBinary();
            Path dir = Files.createTempDirectory("redis-sentinel");
            dir.toFile().deleteOnExit();
            set = new RedisSentinelProcess(RedisServerProcess.freePort(), RedisServerProcess.freePort());
            set.master = server(binary, dir, set.masterPort, List.of());
            set.replica = server(binary, dir, set.replicaPort,
                    List.of("--replicaof", "127.0.0.1", Integer.toString(set.masterPort)));
            int quorum = sentinelCount / 2 + 1;
            for (int i = 0; i < sentinelCount; i++) {
                int port = RedisServerProcess.freePort();
                Path conf = dir.resolve("sentinel-" + port + ".conf");
                conf.toFile().deleteOnExit();
                Files.writeString(conf, String.join("\n",
                        "port " + port,
                        "bind 127.0.0.1",
                        "protected-mode no",
                        "dir " + dir,
                        "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + set.masterPort + " " + quorum,
                        "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MILLIS,
                        "sentinel failover-timeout " + MASTER_NAME + " 5000",
                        "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
                Path log = dir.resolve("sentinel-" + port + ".log");
                log.toFile().deleteOnExit();
                set.sentinelPorts.add(port);
                set.sentinels.add(RedisServerProcess.spawn(
                        List.of(binary.toString(), conf.toString(), "--sentinel"), log, port, false));
            }
            set.awaitSettled();
            return set;
        } catch (IOException | RuntimeException | AssertionError e) {
            if (set != null) {
                set.close();
            }
            throw new AssertionError("cannot start redis sentinel (" + sentinelCount + " sentinels): " + e, e);
        }
    }

    private static Process server(Path binary, Path dir, int port, List<String> extra) throws IOException {
        Path log = dir.resolve("redis-" + port + ".log");
        log.toFile().deleteOnExit();
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--protected-mode", "no", "--save", "", "--appendonly", "no",
                "--dir", dir.toString()));
        command.addAll(extra);
        return RedisServerProcess.spawn(command, log, port, false);
    }

    private void awaitSettled() {
        await("replica " + replicaPort + " in sync with master " + masterPort,
                () -> info(replicaPort).contains("master_link_status:up")
                        && info(masterPort).contains("connected_slaves:1"));
        int others = sentinelPorts.size() - 1;
        await("every sentinel knows the replica and " + others + " other sentinels", () -> {
            for (int port : sentinelPorts) {
                Map<String, String> m = sentinelCall(port, c -> c.sync().master(MASTER_NAME));
                if (!"1".equals(m.get("num-slaves")) || !String.valueOf(others).equals(m.get("num-other-sentinels"))
                        || !"master".equals(m.get("flags"))) {
                    return false;
                }
            }
            return true;
        });
    }

    /** @return {@code redis-sentinel://127.0.0.1:s1[,127.0.0.1:s2,...]#mymaster} */
    public String sentinelUri() {
        return "redis-sentinel://" + sentinelPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","))
                + "#" + MASTER_NAME;
    }

    /** @return the port of the master the set-up started with */
    public int masterPort() {
        return masterPort;
    }

    /** @return the port of the replica the set-up started with (the master after {@link #awaitPromotion()}) */
    public int replicaPort() {
        return replicaPort;
    }

    /** @return the sentinels' ports */
    public List<Integer> sentinelPorts() {
        return List.copyOf(sentinelPorts);
    }

    /** Kills the initial master like a crash: no save, connections dropped, writes not yet replicated lost. */
    public void killMaster() {
        RedisServerProcess.kill(java.util.Objects.requireNonNull(master, "not started"));
    }

    /**
     * Waits until every sentinel names the replica as master and the replica says it is one.
     *
     * @return the new master's port (the replica's)
     */
    public int awaitPromotion() {
        await("sentinels promote replica " + replicaPort, () -> {
            for (int port : sentinelPorts) {
                SocketAddress address = sentinelCall(port, c -> c.sync().getMasterAddrByName(MASTER_NAME));
                if (!(address instanceof InetSocketAddress inet) || inet.getPort() != replicaPort) {
                    return false;
                }
            }
            return info(replicaPort).contains("role:master");
        });
        return replicaPort;
    }

    private String info(int port) {
        try (StatefulRedisConnection<String, String> c = admin.connect(RedisURI.create("redis://127.0.0.1:" + port))) {
            return c.sync().info("replication");
        } catch (RuntimeException e) {
            return "";
        }
    }

    private <T> T sentinelCall(int port,
            java.util.function.Function<StatefulRedisSentinelConnection<String, String>, T> call) {
        try (StatefulRedisSentinelConnection<String, String> c =
                admin.connectSentinel(RedisURI.create("redis://127.0.0.1:" + port))) {
            return call.apply(c);
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // a node not answering yet: poll again
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        throw new AssertionError("redis sentinel: not true within " + SETTLE + ": " + what);
    }

    @Override
    public void close() {
        admin.shutdown();
        for (Process p : sentinels) {
            RedisServerProcess.kill(p);
        }
        if (replica != null) {
            RedisServerProcess.kill(replica);
        }
        if (master != null) {
            RedisServerProcess.kill(master);
        }
    }
}
