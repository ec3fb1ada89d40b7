package io.twisterlab.ratelimit.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Turns a URI into a Lettuce client and connection owned by the store. */
final class RedisConnections {

    private RedisConnections() {
    }

    /** What the store needs from a connection it created: its commands and how to release everything. */
    record Owned(io.lettuce.core.api.async.RedisScriptingAsyncCommands<String, String> commands, Runnable closer) {
    }

    static boolean isCluster(String uri) {
        return uri.startsWith("redis-cluster://") || uri.startsWith("rediss-cluster://");
    }

    /**
     * Splits {@code redis-cluster://[user:pass@]h1:p1,h2:p2[/...]} into one standard URI per seed node.
     *
     * @param uri a cluster URI
     * @return {@code redis://} or {@code rediss://} URIs, one per host
     */
    static List<String> clusterSeeds(String uri) {
        boolean tls = uri.startsWith("rediss-cluster://");
        String rest = uri.substring(uri.indexOf("://") + 3);
        String userInfo = "";
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at + 1);
            rest = rest.substring(at + 1);
        }
        int end = rest.length();
        for (char c : new char[] {'/', '?'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String suffix = rest.substring(end);
        List<String> seeds = new ArrayList<>();
        for (String host : rest.substring(0, end).split(",")) {
            if (host.isBlank()) {
                throw new IllegalArgumentException("empty host in cluster URI");
            }
            seeds.add((tls ? "rediss://" : "redis://") + userInfo + host.strip() + suffix);
        }
        return seeds;
    }

    static Owned connect(String uri, Duration timeout) {
        ClientResources resources = DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                .build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        try {
            if (isCluster(uri)) {
                List<RedisURI> seeds = new ArrayList<>();
                for (String seed : clusterSeeds(uri)) {
                    seeds.add(RedisURI.create(seed));
                }
                RedisClusterClient client = RedisClusterClient.create(resources, seeds);
                client.setOptions(ClusterClientOptions.builder()
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .timeoutOptions(timeouts)
                        .build());
                StatefulRedisClusterConnection<String, String> connection = connectOrShutdown(client);
                return new Owned(connection.async(), () -> {
                    connection.close();
                    client.shutdown();
                    resources.shutdown();
                });
            }
            RedisClient client = RedisClient.create(resources, RedisURI.create(uri));
            client.setOptions(ClientOptions.builder()
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .timeoutOptions(timeouts)
                    .build());
            StatefulRedisConnection<String, String> connection = connectOrShutdown(client);
            return new Owned(connection.async(), () -> {
                connection.close();
                client.shutdown();
                resources.shutdown();
            });
        } catch (RuntimeException e) {
            resources.shutdown();
            throw e;
        }
    }

    private static StatefulRedisClusterConnection<String, String> connectOrShutdown(RedisClusterClient client) {
        try {
            return client.connect();
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }

    private static StatefulRedisConnection<String, String> connectOrShutdown(RedisClient client) {
        try {
            return client.connect();
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
    }
}
