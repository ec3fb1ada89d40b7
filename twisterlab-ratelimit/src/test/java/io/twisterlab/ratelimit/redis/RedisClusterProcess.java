package io.twisterlab.ratelimit.redis;

import io.lettuce.core.MigrateArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real Redis Cluster of {@code redis-server} processes (masters only) for integration tests, with the binary that
 * {@link RedisServerProcess} chooses (embedded 6.2 or {@code TWISTERLAB_TEST_REDIS_SERVER}). The fixture assigns the
 * 16384 slots itself (even ranges, {@code CLUSTER ADDSLOTS}), joins the nodes with {@code CLUSTER MEET} and returns
 * once every node reports {@code cluster_state:ok} and knows every other node. Starting fails the test, never skips.
 *
 * <pre>{@code
 * try (RedisClusterProcess cluster = RedisClusterProcess.start(3)) {
 *     RedisStore store = RedisStore.builder(cluster.seedUri()).build();
 *     cluster.migrateSlot(SlotHash.getSlot("{alice}"), cluster.ports().get(2));
 * }
 * }</pre>
 */
public final class RedisClusterProcess implements AutoCloseable {

    private static final Duration FORMATION = Duration.ofSeconds(30);
    private static final int SLOTS = 16384;

    private final List<Integer> ports;
    private final List<Process> processes = new ArrayList<>();
    private final RedisClient admin = RedisClient.create();
    private final List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();

    private RedisClusterProcess(List<Integer> ports) {
        this.ports = List.copyOf(ports);
    }

    /**
     * Starts {@code masters} cluster-enabled servers on free local ports and forms a cluster over them.
     *
     * @param masters how many masters (at least 1)
     * @return the formed cluster, every slot served
     */
    public static RedisClusterProcess start(int masters) {
        if (masters < 1) {
            throw new IllegalArgumentException("masters must be at least 1");
        }
        RedisClusterProcess cluster = null;
        try {
            Path binary = RedisServerProcess.findBinary();
            Path dir = Files.createTempDirectory("redis-cluster");
            dir.toFile().deleteOnExit();
            List<Integer> ports = new ArrayList<>();
            while (ports.size() < masters) {
                int port = clusterPort();
                if (!ports.contains(port)) {
                    ports.add(port);
                }
            }
            cluster = new RedisClusterProcess(ports);
            for (int port : ports) {
                Path log = dir.resolve("redis-" + port + ".log");
                log.toFile().deleteOnExit();
                dir.resolve("nodes-" + port + ".conf").toFile().deleteOnExit();
                cluster.processes.add(RedisServerProcess.spawn(List.of(binary.toString(),
                        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--protected-mode", "no",
                        "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                        "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                        "--cluster-node-timeout", "2000"), log, port, false));
            }
            cluster.form();
            return cluster;
        } catch (IOException | RuntimeException | AssertionError e) {
            if (cluster != null) {
                cluster.close();
            }
            throw new AssertionError("cannot start a redis cluster of " + masters + " masters: " + e, e);
        }
    }

    private void form() {
        for (int port : ports) {
            connections.add(admin.connect(RedisURI.create("redis://127.0.0.1:" + port)));
        }
        int n = ports.size();
        for (int i = 0; i < n; i++) {
            RedisCommands<String, String> node = node(i);
            node.clusterSetConfigEpoch(i + 1L);
            int from = SLOTS * i / n;
            int to = SLOTS * (i + 1) / n;
            node.clusterAddSlots(IntStream.range(from, to).toArray());
        }
        for (int i = 1; i < n; i++) {
            node(0).clusterMeet("127.0.0.1", ports.get(i));
        }
        await("every node reports cluster_state:ok and knows " + n + " nodes", () -> {
            for (int i = 0; i < n; i++) {
                String info = node(i).clusterInfo();
                if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + n + "\r")) {
                    return false;
                }
                if (ownerId(i, SLOTS - 1).isEmpty() || ownerId(i, 0).isEmpty()) {
                    return false;
                }
            }
            return true;
        });
    }

    /** @return {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...}, every node as a seed */
    public String seedUri() {
        return "redis-cluster://" + ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** @return the masters' ports, in start order */
    public List<Integer> ports() {
        return ports;
    }

    /**
     * @param key a key (hash tags honoured)
     * @return the slot Redis Cluster puts it in
     */
    public static int slotOf(String key) {
        return SlotHash.getSlot(key);
    }

    /**
     * @param slot a slot
     * @return the port of the master that serves it now (as the first node sees it)
     */
    public int portOwning(int slot) {
        String id = ownerId(0, slot);
        for (int i = 0; i < ports.size(); i++) {
            if (node(i).clusterMyId().equals(id)) {
                return ports.get(i);
            }
        }
        throw new AssertionError("no node owns slot " + slot);
    }

    /**
     * @param index a master's index in {@link #ports()}
     * @return a synchronous connection to that node alone (owned by the fixture: do not close it)
     */
    public RedisCommands<String, String> node(int index) {
        return connections.get(index).sync();
    }

    /**
     * Moves a slot with its keys to another master, the way {@code redis-cli --cluster reshard} does: target
     * {@code IMPORTING}, source {@code MIGRATING}, {@code MIGRATE} in batches, then {@code SETSLOT NODE} on every node.
     * Clients in the meantime get {@code ASK} for moved keys and {@code MOVED} afterwards.
     *
     * @param slot       the slot
     * @param targetPort the port of the master that will serve it
     */
    public void migrateSlot(int slot, int targetPort) {
        SlotMigration migration = beginSlotMigration(slot, targetPort);
        migration.moveKeys(Integer.MAX_VALUE);
        migration.finish();
    }

    /**
     * Starts moving a slot and returns a handle to move its keys and finish: between {@link SlotMigration#moveKeys}
     * and {@link SlotMigration#finish()}, some keys of the slot live on the target and the source answers {@code ASK}.
     *
     * @param slot       the slot
     * @param targetPort the port of the master that will serve it, not the current owner
     * @return the migration in progress
     */
    public SlotMigration beginSlotMigration(int slot, int targetPort) {
        int source = ports.indexOf(portOwning(slot));
        int target = ports.indexOf(targetPort);
        if (target < 0 || target == source) {
            throw new IllegalArgumentException(targetPort + " is not another master of this cluster");
        }
        String sourceId = node(source).clusterMyId();
        String targetId = node(target).clusterMyId();
        node(target).clusterSetSlotImporting(slot, sourceId);
        node(source).clusterSetSlotMigrating(slot, targetId);
        return new SlotMigration(slot, source, target, targetId);
    }

    /** A slot being moved between two masters; see {@link #beginSlotMigration(int, int)}. */
    public final class SlotMigration {
        private final int slot;
        private final int source;
        private final int target;
        private final String targetId;

        private SlotMigration(int slot, int source, int target, String targetId) {
            this.slot = slot;
            this.source = source;
            this.target = target;
            this.targetId = targetId;
        }

        /**
         * Moves up to {@code max} keys of the slot from the source to the target with {@code MIGRATE}.
         *
         * @param max how many keys at most
         * @return how many keys were moved
         */
        public int moveKeys(int max) {
            int moved = 0;
            while (moved < max) {
                List<String> keys = node(source).clusterGetKeysInSlot(slot, Math.min(100, max - moved));
                if (keys.isEmpty()) {
                    break;
                }
                node(source).migrate("127.0.0.1", ports.get(target), 0, 5000,
                        MigrateArgs.Builder.<String>keys(keys).replace());
                moved += keys.size();
            }
            return moved;
        }

        /** Moves the remaining keys and assigns the slot to the target on every node. */
        public void finish() {
            moveKeys(Integer.MAX_VALUE);
            node(target).clusterSetSlotNode(slot, targetId);
            node(source).clusterSetSlotNode(slot, targetId);
            for (int i = 0; i < ports.size(); i++) {
                if (i != source && i != target) {
                    node(i).clusterSetSlotNode(slot, targetId);
                }
            }
            await("every node sees slot " + slot + " on " + ports.get(target), () -> {
                for (int i = 0; i < ports.size(); i++) {
                    if (!ownerId(i, slot).equals(targetId)) {
                        return false;
                    }
                }
                return true;
            });
        }
    }

    private String ownerId(int index, int slot) {
        for (String line : node(index).clusterNodes().split("\n")) {
            String[] fields = line.strip().split(" ");
            if (fields.length < 9 || !fields[2].contains("master")) {
                continue;
            }
            for (int f = 8; f < fields.length; f++) {
                String range = fields[f];
                if (range.startsWith("[")) {
                    continue;
                }
                int dash = range.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int hi = Integer.parseInt(dash < 0 ? range : range.substring(dash + 1));
                if (slot >= lo && slot <= hi) {
                    return fields[0];
                }
            }
        }
        return "";
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + FORMATION.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        throw new AssertionError("redis cluster: not true within " + FORMATION + ": " + what);
    }

    /** A free port whose cluster bus port (port + 10000) is free too. */
    private static int clusterPort() throws IOException {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = RedisServerProcess.freePort();
            if (port + 10000 > 65535) {
                continue;
            }
            try (ServerSocket bus = new ServerSocket()) {
                bus.bind(new InetSocketAddress("127.0.0.1", port + 10000));
                return port;
            } catch (IOException busy) {
                // try another port
            }
        }
        throw new IOException("no free port pair (port, port + 10000) found");
    }

    @Override
    public void close() {
        for (StatefulRedisConnection<String, String> c : connections) {
            c.close();
        }
        admin.shutdown();
        for (Process p : processes) {
            RedisServerProcess.kill(p);
        }
    }
}
