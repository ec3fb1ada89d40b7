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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A real Redis Cluster of {@code redis-server} processes for integration tests, with the binary that
 * {@link RedisServerProcess} chooses (embedded 6.2 or {@code TWISTERLAB_TEST_REDIS_SERVER}). The fixture assigns the
 * 16384 slots itself (even ranges, {@code CLUSTER ADDSLOTS}), joins the nodes with {@code CLUSTER MEET} and returns
 * once every node reports {@code cluster_state:ok} and knows every other node. Starting fails the test, never skips.
 *
 * <p>{@link #start(int)} runs masters only ({@code cluster-node-timeout} {@value #NODE_TIMEOUT_MILLIS} ms).
 * {@link #startWithReplicas(int)} gives every master one replica ({@code CLUSTER REPLICATE}) and a
 * {@code cluster-node-timeout} of {@value #FAILOVER_NODE_TIMEOUT_MILLIS} ms, so that the cluster promotes a replica
 * by itself within about two seconds of its master's death ({@link #kill(int)}, {@link #awaitPromotion(int)}); every
 * other setting is Redis's default (notably {@code cluster-require-full-coverage yes}: while a master is down and not
 * yet replaced, the whole cluster refuses commands).
 *
 * <pre>{@code
 * try (RedisClusterProcess cluster = RedisClusterProcess.start(3)) {
 *     RedisStore store = RedisStore.builder(cluster.seedUri()).build();
 *     cluster.migrateSlot(SlotHash.getSlot("{alice}"), cluster.ports().get(2));
 * }
 * try (RedisClusterProcess cluster = RedisClusterProcess.startWithReplicas(3)) {
 *     int master = cluster.portOwning(SlotHash.getSlot("{alice}"));
 *     cluster.kill(master);
 *     int promoted = cluster.awaitPromotion(master); // its replica, now serving its slots
 * }
 * }</pre>
 */
public final class RedisClusterProcess implements AutoCloseable {

    /** {@code cluster-node-timeout} of a cluster without replicas. */
    public static final int NODE_TIMEOUT_MILLIS = 2000;
    /**
     * {@code cluster-node-timeout} of a cluster with replicas: a master that does not answer for this long is flagged
     * failing, and its replica is elected about half a second to a second later (Redis's election delay).
     */
    public static final int FAILOVER_NODE_TIMEOUT_MILLIS = 500;
    private static final Duration FORMATION = Duration.ofSeconds(30);
    private static final int SLOTS = 16384;

    /** The masters at start, in start order. */
    private final List<Integer> ports;
    /** {@code replicas.get(i)} replicates {@code ports.get(i)}; empty without replicas. */
    private final List<Integer> replicas;
    private final int nodeTimeoutMillis;
    private final Map<Integer, Process> processes = new LinkedHashMap<>();
    private final Map<Integer, StatefulRedisConnection<String, String>> connections = new LinkedHashMap<>();
    private final Map<Integer, String> ids = new LinkedHashMap<>();
    private final Set<Integer> killed = new HashSet<>();
    private final RedisClient admin = RedisClient.create();

    private RedisClusterProcess(List<Integer> ports, List<Integer> replicas, int nodeTimeoutMillis) {
        this.ports = List.copyOf(ports);
        this.replicas = List.copyOf(replicas);
        this.nodeTimeoutMillis = nodeTimeoutMillis;
    }

    /**
     * Starts {@code masters} cluster-enabled servers on free local ports and forms a cluster over them.
     *
     * @param masters how many masters (at least 1)
     * @return the formed cluster, every slot served
     */
    public static RedisClusterProcess start(int masters) {
        return start(masters, false);
    }

    /**
     * Starts {@code masters} masters and one replica of each ({@code CLUSTER REPLICATE}), with a
     * {@code cluster-node-timeout} of {@value #FAILOVER_NODE_TIMEOUT_MILLIS} ms, and returns once every replica is in
     * sync with its master and every node knows every replica.
     *
     * @param masters how many masters (at least 1; at least 3 for a failover: a majority of masters elects a replica)
     * @return the formed cluster, every slot served, every master replicated
     */
    public static RedisClusterProcess startWithReplicas(int masters) {
        return start(masters, true);
    }

    private static RedisClusterProcess start(int masters, boolean withReplicas) {
        if (masters < 1) {
            throw new IllegalArgumentException("masters must be at least 1");
        }
        String what = masters + " masters" + (withReplicas ? " and " + masters + " replicas" : "");
        RedisClusterProcess cluster = null;
        try {
            Path binary = RedisServerProcess.findBinary();
            Path dir = Files.createTempDirectory("redis-cluster");
            dir.toFile().deleteOnExit();
            List<Integer> free = new ArrayList<>();
            while (free.size() < (withReplicas ? 2 * masters : masters)) {
                int port = clusterPort();
                if (!free.contains(port)) {
                    free.add(port);
                }
            }
            int nodeTimeout = withReplicas ? FAILOVER_NODE_TIMEOUT_MILLIS : NODE_TIMEOUT_MILLIS;
            cluster = new RedisClusterProcess(free.subList(0, masters), free.subList(masters, free.size()), nodeTimeout);
            for (int port : free) {
                Path log = dir.resolve("redis-" + port + ".log");
                log.toFile().deleteOnExit();
                dir.resolve("nodes-" + port + ".conf").toFile().deleteOnExit();
                dir.resolve("dump-" + port + ".rdb").toFile().deleteOnExit();
                cluster.processes.put(port, RedisServerProcess.spawn(List.of(binary.toString(),
                        "--port", Integer.toString(port), "--bind", "127.0.0.1", "--protected-mode", "no",
                        "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                        "--dbfilename", "dump-" + port + ".rdb", "--repl-diskless-sync-delay", "0",
                        "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf",
                        "--cluster-node-timeout", Integer.toString(nodeTimeout)), log, port, false));
            }
            cluster.form();
            return cluster;
        } catch (IOException | RuntimeException | AssertionError e) {
            if (cluster != null) {
                cluster.close();
            }
            throw new AssertionError("cannot start a redis cluster of " + what + ": " + e, e);
        }
    }

    private void form() {
        List<Integer> all = new ArrayList<>(ports);
        all.addAll(replicas);
        for (int port : all) {
            StatefulRedisConnection<String, String> c = admin.connect(RedisURI.create("redis://127.0.0.1:" + port));
            connections.put(port, c);
            ids.put(port, c.sync().clusterMyId());
        }
        int n = ports.size();
        for (int i = 0; i < n; i++) {
            RedisCommands<String, String> node = node(i);
            node.clusterSetConfigEpoch(i + 1L);
            int from = SLOTS * i / n;
            int to = SLOTS * (i + 1) / n;
            node.clusterAddSlots(IntStream.range(from, to).toArray());
        }
        for (int port : all.subList(1, all.size())) {
            node(0).clusterMeet("127.0.0.1", port);
        }
        await("every node reports cluster_state:ok and knows " + all.size() + " nodes", () -> {
            for (int port : all) {
                String info = sync(port).clusterInfo();
                if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + all.size() + "\r")) {
                    return false;
                }
                if (ownerId(port, SLOTS - 1).isEmpty() || ownerId(port, 0).isEmpty()) {
                    return false;
                }
            }
            return true;
        });
        if (replicas.isEmpty()) {
            return;
        }
        for (int i = 0; i < n; i++) {
            sync(replicas.get(i)).clusterReplicate(ids.get(ports.get(i)));
        }
        await("every replica in sync with its master, and known as its replica by every node", () -> {
            for (int replica : replicas) {
                if (!sync(replica).info("replication").contains("master_link_status:up")) {
                    return false;
                }
            }
            for (int view : all) {
                for (int i = 0; i < n; i++) {
                    String master = ids.get(ports.get(i));
                    String replica = ids.get(replicas.get(i));
                    if (nodes(view).stream().noneMatch(f -> f[0].equals(replica)
                            && f[2].contains("slave") && f[3].equals(master))) {
                        return false;
                    }
                }
            }
            return true;
        });
    }

    /** @return {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,...}, every master at start as a seed */
    public String seedUri() {
        return "redis-cluster://" + ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    /** @return the masters' ports at start, in start order (a killed master stays in the list) */
    public List<Integer> ports() {
        return ports;
    }

    /**
     * @param masterPort a master's port, as in {@link #ports()}
     * @return the port of its replica (started by {@link #startWithReplicas(int)})
     */
    public int replicaOf(int masterPort) {
        int i = ports.indexOf(masterPort);
        if (i < 0 || replicas.isEmpty()) {
            throw new IllegalArgumentException(masterPort + " is not a replicated master of this cluster");
        }
        return replicas.get(i);
    }

    /** @return the {@code cluster-node-timeout} every node runs with */
    public Duration nodeTimeout() {
        return Duration.ofMillis(nodeTimeoutMillis);
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
     * @return the port of the master that serves it now (as the first node still running sees it)
     */
    public int portOwning(int slot) {
        String id = ownerId(live(), slot);
        return ids.entrySet().stream().filter(e -> e.getValue().equals(id)).mapToInt(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new AssertionError("no node owns slot " + slot));
    }

    /**
     * @param index a master's index in {@link #ports()}
     * @return a synchronous connection to that node alone (owned by the fixture: do not close it)
     */
    public RedisCommands<String, String> node(int index) {
        return sync(ports.get(index));
    }

    /**
     * Kills a node like a crash ({@code SIGKILL}: no save, no goodbye to the cluster, connections dropped): its
     * writes not yet replicated are lost.
     *
     * @param port the node's port
     */
    public void kill(int port) {
        Process p = processes.get(port);
        if (p == null) {
            throw new IllegalArgumentException(port + " is not a node of this cluster");
        }
        killed.add(port);
        connections.get(port).close();
        RedisServerProcess.kill(p);
    }

    /**
     * Waits until the cluster has replaced a killed master by its replica: every node still running reports
     * {@code cluster_state:ok}, sees the replica as a master serving slots and the killed node serving none.
     *
     * @param killedMaster the port of a master passed to {@link #kill(int)}
     * @return the port of the promoted replica
     */
    public int awaitPromotion(int killedMaster) {
        if (!killed.contains(killedMaster)) {
            throw new IllegalArgumentException(killedMaster + " was not killed");
        }
        int replica = replicaOf(killedMaster);
        String deadId = ids.get(killedMaster);
        String replicaId = ids.get(replica);
        await("replica " + replica + " serves the slots of killed master " + killedMaster, () -> {
            for (int view : processes.keySet()) {
                if (killed.contains(view)) {
                    continue;
                }
                if (!sync(view).clusterInfo().contains("cluster_state:ok")) {
                    return false;
                }
                for (String[] f : nodes(view)) {
                    boolean serves = f[2].contains("master") && f.length > 8;
                    if ((f[0].equals(deadId) && serves) || (f[0].equals(replicaId) && !serves)) {
                        return false;
                    }
                }
            }
            return true;
        });
        return replica;
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
        if (source < 0 || target < 0 || target == source) {
            throw new IllegalArgumentException(targetPort + " is not another master of this cluster");
        }
        String sourceId = ids.get(ports.get(source));
        String targetId = ids.get(targetPort);
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

        /** Moves the remaining keys and assigns the slot to the target on every master. */
        public void finish() {
            moveKeys(Integer.MAX_VALUE);
            node(target).clusterSetSlotNode(slot, targetId);
            node(source).clusterSetSlotNode(slot, targetId);
            for (int i = 0; i < ports.size(); i++) {
                if (i != source && i != target) {
                    node(i).clusterSetSlotNode(slot, targetId);
                }
            }
            await("every master sees slot " + slot + " on " + ports.get(target), () -> {
                for (int port : ports) {
                    if (!ownerId(port, slot).equals(targetId)) {
                        return false;
                    }
                }
                return true;
            });
        }
    }

    private RedisCommands<String, String> sync(int port) {
        if (killed.contains(port)) {
            throw new IllegalStateException("node " + port + " was killed");
        }
        return connections.get(port).sync();
    }

    /** @return the first node (in start order) not killed */
    private int live() {
        return processes.keySet().stream().filter(p -> !killed.contains(p)).findFirst()
                .orElseThrow(() -> new IllegalStateException("every node was killed"));
    }

    /** @return {@code CLUSTER NODES} as {@code view} sees it, one array of fields per node */
    private List<String[]> nodes(int view) {
        List<String[]> nodes = new ArrayList<>();
        for (String line : sync(view).clusterNodes().split("\n")) {
            String[] fields = line.strip().split(" ");
            if (fields.length >= 8) {
                nodes.add(fields);
            }
        }
        return nodes;
    }

    private String ownerId(int view, int slot) {
        for (String[] fields : nodes(view)) {
            if (!fields[2].contains("master")) {
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
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
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
        for (Map.Entry<Integer, StatefulRedisConnection<String, String>> c : connections.entrySet()) {
            if (!killed.contains(c.getKey())) {
                c.getValue().close();
            }
        }
        admin.shutdown();
        for (Process p : processes.values()) {
            RedisServerProcess.kill(p);
        }
    }
}
