package io.twisterlab.ratelimit.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/** Turns a URI into a Lettuce client owned by the store, and connects it on demand. */
final class RedisConnections {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnections.class);

    /** Period of the Cluster topology refresh on top of the adaptive one (MOVED, ASK, reconnects, failovers). */
    static final Duration TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(30);

    private RedisConnections() {
    }

    /** What the store needs from a connection it created: its commands and how to close it. */
    record Owned(io.lettuce.core.api.async.BaseRedisAsyncCommands<String, String> commands, Runnable closer) {
    }

    /**
     * Parses and validates the URI and creates the client, without connecting: a Redis that is down does not stop
     * a store from being built.
     *
     * @param uri            a standalone, TLS, Sentinel or Cluster URI
     * @param connectTimeout bound on establishing the TCP connection
     * @param commandTimeout bound on every command
     * @return the client
     * @throws IllegalArgumentException if the URI is invalid
     */
    @SuppressWarnings("FutureReturnValueIgnored") // ClientResources.shutdown(): best effort at close, nothing to wait for
    static Client client(String uri, Duration connectTimeout, Duration commandTimeout) {
        RedisEndpoint endpoint = RedisEndpoint.parse(uri);
        List<RedisURI> uris = endpoint.lettuceUris();
        boolean cluster = endpoint.topology() == RedisEndpoint.Topology.CLUSTER;
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        try {
            SocketOptions socket = SocketOptions.builder().connectTimeout(connectTimeout).build();
            TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
            if (cluster) {
                RedisClusterClient client = RedisClusterClient.create(resources, uris);
                client.setOptions(ClusterClientOptions.builder()
                        // MOVED/ASK are followed by Lettuce itself (redirects); the topology is refreshed on them,
                        // on reconnects and failovers (adaptive triggers, all on by default since Lettuce 7) and
                        // every 30 s (periodic)
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                                .enablePeriodicRefresh(TOPOLOGY_REFRESH_PERIOD)
                                .build())
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .socketOptions(socket)
                        .timeoutOptions(timeouts)
                        .build());
                return new Client(() -> {
                    StatefulRedisClusterConnection<String, String> connection = client.connect();
                    // nodes that join later (failover, resharding onto a new master) get theirs on the refresh
                    Disposable refreshes = resources.eventBus().get()
                            .filter(ClusterTopologyChangedEvent.class::isInstance)
                            .subscribe(e -> openNodeConnections(connection));
                    try {
                        awaitAll(openNodeConnections(connection), connectTimeout);
                    } catch (RuntimeException e) {
                        refreshes.dispose();
                        connection.close();
                        throw e;
                    }
                    return new Owned(connection.async(), () -> {
                        refreshes.dispose();
                        connection.close();
                    });
                }, () -> {
                    client.shutdown();
                    resources.shutdown();
                });
            }
            RedisClient client = RedisClient.create(resources, uris.get(0));
            client.setOptions(ClientOptions.builder()
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .build());
            return new Client(() -> {
                StatefulRedisConnection<String, String> connection = client.connect();
                return new Owned(connection.async(), connection::close);
            }, () -> {
                client.shutdown();
                resources.shutdown();
            });
        } catch (RuntimeException e) {
            resources.shutdown();
            throw e;
        }
    }

    /**
     * Opens the connection slot routing uses to every node of the topology, masters and replicas, unless it is open
     * already. Lettuce routes a keyed command through the connection keyed by its master's host and port, and opens
     * it lazily, on that node's first command; since Lettuce 7.7 (redis/lettuce#3782), with
     * {@code REJECT_COMMANDS}, a command whose node connection is still being opened is rejected ("Currently not
     * connected") instead of waiting for it. So every decision routed to a node for the first time, after start-up,
     * a {@code MOVED}/{@code ASK} or a failover, would be a store error. Opening them all up front (replicas too, so
     * that a promoted replica is ready) and again on every topology change leaves no first command to reject. A
     * node that cannot be reached now is left to Lettuce (it connects on demand).
     *
     * @return one future per node connection being opened; each completes, exceptionally if the node is down
     */
    private static List<CompletableFuture<?>> openNodeConnections(StatefulRedisClusterConnection<String, String> connection) {
        List<CompletableFuture<?>> opening = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            RedisURI uri = node.getUri();
            try {
                opening.add(connection.getConnectionAsync(uri.getHost(), uri.getPort()).whenComplete((c, e) -> {
                    if (e != null) {
                        LOG.debug("cannot open a connection to cluster node {}:{} yet: {}", uri.getHost(),
                                uri.getPort(), e.toString());
                    }
                }));
            } catch (RuntimeException e) { // a node no longer in the topology
                LOG.debug("cannot open a connection to cluster node {}:{}: {}", uri.getHost(), uri.getPort(),
                        e.toString());
            }
        }
        return opening;
    }

    /** Waits until every future completed (successfully or not), at most {@code timeout}. */
    private static void awaitAll(List<CompletableFuture<?>> futures, Duration timeout) {
        try {
            CompletableFuture.allOf(futures.stream().map(f -> f.exceptionally(e -> null))
                            .toArray(CompletableFuture[]::new))
                    .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to the cluster nodes", e);
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("not every cluster node connection is open yet: {}", e.toString());
        }
    }

    /**
     * A Lettuce client created from a URI and owned by the store: {@link #connect()} may be called again after a
     * failure (Lettuce reconnects an established connection by itself, but never retries a first connection).
     */
    static final class Client {
        private final Supplier<Owned> connector;
        private final Runnable shutdown;

        /**
         * @param connector connects, blocking (see {@link #connect()})
         * @param shutdown  releases the client
         */
        Client(Supplier<Owned> connector, Runnable shutdown) {
            this.connector = connector;
            this.shutdown = shutdown;
        }

        /**
         * Blocks until connected, at most about the connect timeout.
         *
         * @return the connection's commands and how to close that connection
         * @throws RuntimeException if Redis cannot be reached
         */
        Owned connect() {
            return connector.get();
        }

        /** Releases the client and its threads; connections must be closed first. */
        void shutdown() {
            shutdown.run();
        }
    }
}
