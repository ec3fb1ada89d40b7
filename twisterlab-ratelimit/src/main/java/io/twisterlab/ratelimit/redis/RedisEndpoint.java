package io.twisterlab.ratelimit.redis;

import io.lettuce.core.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A validated Redis URL: the one parser of {@code redis.url} for the rate-limit store, the cache agent and the server.
 * Accepted forms (Lettuce's):
 * <ul>
 *   <li>{@code redis://[[user:]password@]host[:port][/db]}, {@code rediss://} for TLS — one node;</li>
 *   <li>{@code redis-sentinel://[[user:]password@]host[:port][,host[:port]...][/db]#master} (or
 *       {@code rediss-sentinel://}) — the master that the sentinels name, followed across failovers;</li>
 *   <li>{@code redis-cluster://[[user:]password@]host[:port][,host[:port]...]} (or {@code rediss-cluster://}) — seed
 *       nodes of a Redis Cluster, database 0 only.</li>
 * </ul>
 * Error messages and {@link #toString()} never contain the credentials; {@link #redacted()} replaces them by
 * {@code ***}.
 *
 * <pre>{@code
 * RedisEndpoint endpoint = RedisEndpoint.parse("rediss-cluster://:secret@10.0.0.1:6379,10.0.0.2:6379");
 * if (endpoint.topology() == RedisEndpoint.Topology.CLUSTER) {
 *     RedisClusterClient client = RedisClusterClient.create(endpoint.lettuceUris());
 * }
 * }</pre>
 */
public final class RedisEndpoint {

    /** How the URL reaches Redis. */
    public enum Topology {
        /** One node ({@code redis://}, {@code rediss://}). */
        STANDALONE,
        /** The master named by sentinels ({@code redis-sentinel://}). */
        SENTINEL,
        /** A Redis Cluster reached through seed nodes ({@code redis-cluster://}). */
        CLUSTER
    }

    /**
     * One host and port of the URL.
     *
     * @param host a host name or IP address (IPv6 without brackets)
     * @param port 1 to 65535
     */
    public record Node(String host, int port) {
        /** Validates. */
        public Node {
            if (host.isEmpty() || port < 1 || port > 65535) {
                throw new IllegalArgumentException("invalid Redis node " + host + ":" + port);
            }
        }
    }

    private static final String FORMS = "expected redis://host:port, rediss://host:port, "
            + "redis-sentinel://host:port[,host:port...][/db]#master or redis-cluster://host:port[,host:port...] "
            + "(rediss-cluster:// for TLS)";

    private final Topology topology;
    private final boolean tls;
    private final List<Node> nodes;
    private final int database;
    private final Optional<String> masterName;
    private final boolean credentials;
    /** Normalized URLs, one per Lettuce URI; they hold the credentials, so never printed. */
    private final List<String> lettuceUrls;
    private final String redacted;

    private RedisEndpoint(Topology topology, boolean tls, List<Node> nodes, int database, Optional<String> masterName,
            boolean credentials, List<String> lettuceUrls, String redacted) {
        this.topology = topology;
        this.tls = tls;
        this.nodes = List.copyOf(nodes);
        this.database = database;
        this.masterName = masterName;
        this.credentials = credentials;
        this.lettuceUrls = List.copyOf(lettuceUrls);
        this.redacted = redacted;
    }

    /**
     * Parses and validates a Redis URL.
     *
     * @param url the URL
     * @return the endpoint
     * @throws IllegalArgumentException with a message that names what is wrong and never quotes the credentials
     */
    public static RedisEndpoint parse(String url) {
        String value = url.strip();
        int schemeEnd = value.indexOf("://");
        if (schemeEnd <= 0) {
            throw new IllegalArgumentException(FORMS + ", got a value without a scheme");
        }
        String scheme = value.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
        Topology topology;
        boolean tls = scheme.startsWith("rediss");
        switch (scheme) {
            case "redis", "rediss" -> topology = Topology.STANDALONE;
            case "redis-sentinel", "rediss-sentinel" -> topology = Topology.SENTINEL;
            case "redis-cluster", "rediss-cluster" -> topology = Topology.CLUSTER;
            default -> throw new IllegalArgumentException(FORMS + ", got scheme '"
                    + (scheme.matches("[a-z0-9+.-]{1,20}") ? scheme : "?") + "'");
        }
        String rest = value.substring(schemeEnd + 3);
        int at = rest.lastIndexOf('@');
        String userInfo = at >= 0 ? rest.substring(0, at) : "";
        rest = rest.substring(at + 1);
        String fragment = "";
        int hash = rest.indexOf('#');
        if (hash >= 0) {
            fragment = rest.substring(hash + 1);
            rest = rest.substring(0, hash);
        }
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q);
            rest = rest.substring(0, q);
        }
        String path = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        int database = 0;
        if (!path.isEmpty()) {
            if (!path.matches("\\d{1,5}")) {
                throw new IllegalArgumentException("the database after '/' must be a number");
            }
            database = Integer.parseInt(path);
        }
        if (topology == Topology.CLUSTER && database != 0) {
            throw new IllegalArgumentException("Redis Cluster has database 0 only, got /" + database);
        }
        if (topology == Topology.SENTINEL) {
            if (!fragment.matches("[A-Za-z0-9._-]{1,100}")) {
                throw new IllegalArgumentException(scheme + ":// needs the master's name after '#', like "
                        + "redis-sentinel://host:26379#mymaster");
            }
        } else if (!fragment.isEmpty()) {
            throw new IllegalArgumentException("'#" + "' is only for the master name of redis-sentinel://");
        }
        int defaultPort = topology == Topology.SENTINEL ? RedisURI.DEFAULT_SENTINEL_PORT : RedisURI.DEFAULT_REDIS_PORT;
        List<Node> nodes = new ArrayList<>();
        for (String hostPort : rest.split(",", -1)) {
            nodes.add(node(hostPort.strip(), defaultPort));
        }
        if (topology == Topology.STANDALONE && nodes.size() > 1) {
            throw new IllegalArgumentException(scheme + ":// takes one host; use redis-cluster:// or "
                    + "redis-sentinel:// for several");
        }
        List<String> uris = new ArrayList<>();
        String auth = userInfo.isEmpty() ? "" : userInfo + "@";
        String suffix = (path.isEmpty() ? "" : "/" + path) + query;
        try {
            if (topology == Topology.CLUSTER) {
                for (Node n : nodes) {
                    uris.add((tls ? "rediss://" : "redis://") + auth + authority(n) + suffix);
                }
            } else {
                StringBuilder hosts = new StringBuilder();
                for (Node n : nodes) {
                    hosts.append(hosts.length() == 0 ? "" : ",").append(authority(n));
                }
                uris.add(scheme + "://" + auth + hosts + suffix + (fragment.isEmpty() ? "" : "#" + fragment));
            }
            for (String u : uris) {
                RedisURI.create(u);
            }
        } catch (RuntimeException e) {
            // Lettuce's and java.net.URI's messages quote the URL, and so its password
            throw new IllegalArgumentException("not a valid " + scheme + ":// URL (check the credentials' "
                    + "percent-encoding and the query parameters)");
        }
        StringBuilder shown = new StringBuilder(scheme).append("://").append(userInfo.isEmpty() ? "" : "***@");
        for (int i = 0; i < nodes.size(); i++) {
            shown.append(i == 0 ? "" : ",").append(authority(nodes.get(i)));
        }
        shown.append(path.isEmpty() ? "" : "/" + path).append(fragment.isEmpty() ? "" : "#" + fragment);
        return new RedisEndpoint(topology, tls, nodes, database,
                fragment.isEmpty() ? Optional.empty() : Optional.of(fragment), !userInfo.isEmpty(), uris,
                shown.toString());
    }

    private static Node node(String hostPort, int defaultPort) {
        String host;
        String port = "";
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("unclosed '[' in an IPv6 host");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty() && !after.startsWith(":")) {
                throw new IllegalArgumentException("expected ':port' after an IPv6 host");
            }
            port = after.isEmpty() ? "" : after.substring(1);
        } else {
            int colon = hostPort.lastIndexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            port = colon >= 0 ? hostPort.substring(colon + 1) : "";
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("empty host in the Redis URL");
        }
        if (!host.matches("[A-Za-z0-9._:%-]{1,253}")) {
            throw new IllegalArgumentException("a host of the Redis URL is not a host name or IP address");
        }
        if (port.isEmpty()) {
            return new Node(host, defaultPort);
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("port of host " + host + " is not a number from 1 to 65535");
        }
        return new Node(host, Integer.parseInt(port));
    }

    private static String authority(Node n) {
        return (n.host().contains(":") ? "[" + n.host() + "]" : n.host()) + ":" + n.port();
    }

    /** @return how the URL reaches Redis */
    public Topology topology() {
        return topology;
    }

    /** @return whether connections use TLS ({@code rediss…://}) */
    public boolean tls() {
        return tls;
    }

    /** @return the hosts of the URL: the node, the sentinels, or the cluster's seed nodes */
    public List<Node> nodes() {
        return nodes;
    }

    /** @return the database number (always 0 on Cluster) */
    public int database() {
        return database;
    }

    /** @return the sentinel master name, present exactly for {@link Topology#SENTINEL} */
    public Optional<String> masterName() {
        return masterName;
    }

    /** @return whether the URL carries a user or password */
    public boolean hasCredentials() {
        return credentials;
    }

    /**
     * @return what Lettuce connects with: one URI for {@code RedisClient} (standalone, or sentinel with every
     *         sentinel inside), one per seed node for {@code RedisClusterClient}
     */
    public List<RedisURI> lettuceUris() {
        // new ones each time: RedisURI is mutable (the URLs were parsed once by parse, so this cannot fail)
        return lettuceUrls.stream().map(RedisURI::create).toList();
    }

    /** @return the URL with any credentials replaced by {@code ***} and without query parameters */
    public String redacted() {
        return redacted;
    }

    /** @return {@link #redacted()} */
    @Override
    public String toString() {
        return redacted;
    }
}
