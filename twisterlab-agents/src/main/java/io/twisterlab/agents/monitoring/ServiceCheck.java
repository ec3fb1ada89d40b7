package io.twisterlab.agents.monitoring;

import io.twisterlab.agents.cache.CacheBackend;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.ratelimit.redis.RedisEndpoint;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * A probe of one external service (a database, Redis, an LLM endpoint) that {@code monitoring.health_check}
 * reports next to the registered agents. The monitoring agent measures the latency around {@link #check()} and
 * turns an exception into an unhealthy result.
 *
 * <pre>{@code
 * ServiceCheck db = ServiceCheck.jdbc("database", "jdbc:postgresql://db/app", "app", "secret", Duration.ofSeconds(2));
 * ServiceCheck.Result r = db.check();
 * }</pre>
 */
public interface ServiceCheck extends AutoCloseable {
    /** The service's name in the report, e.g. {@code redis}. */
    String name();

    /** What kind of service this is: {@code jdbc}, {@code redis}, {@code http}. */
    String kind();

    /** Probes the service once; may throw, which counts as unhealthy. */
    Result check() throws Exception;

    /**
     * Releases what the check keeps between probes (a client of a Sentinel or Cluster check); the monitoring agent
     * calls it when it stops. Nothing by default.
     */
    @Override
    default void close() {
    }

    /**
     * Opens a JDBC connection and validates it with {@link java.sql.Connection#isValid(int)}.
     */
    static ServiceCheck jdbc(String name, String url, String username, String password, Duration timeout) {
        return new Checks.Jdbc(name, url, username, password, timeout);
    }

    /**
     * Connects to Redis over TCP (TLS for {@code rediss://}), authenticates if the URI carries credentials, and
     * sends {@code PING}.
     */
    static ServiceCheck redis(String name, URI redisUri, Duration timeout) {
        return new Checks.Redis(name, redisUri, timeout);
    }

    /**
     * Probes the Redis of a {@code redis.url} in any form {@link io.twisterlab.ratelimit.redis.RedisEndpoint} accepts:
     * one node as {@link #redis(String, URI, Duration)} does; the master a Sentinel group names, or every master of
     * a Cluster, with {@code PING} over one Lettuce client, created on the first probe and kept until
     * {@link #close()}.
     *
     * @throws IllegalArgumentException if the URL is invalid (the message never quotes its credentials)
     */
    static ServiceCheck redis(String name, String redisUrl, Duration timeout) {
        RedisEndpoint endpoint = RedisEndpoint.parse(redisUrl);
        return endpoint.topology() == RedisEndpoint.Topology.STANDALONE
                ? new Checks.Redis(name, URI.create(redisUrl.strip()), timeout)
                : new Checks.RedisTopology(name, endpoint.redacted(), () -> CacheBackend.redis(redisUrl, timeout));
    }

    /** Sends {@code GET uri}; any 2xx status is healthy. */
    static ServiceCheck http(String name, URI uri, Duration timeout) {
        return new Checks.Http(name, uri, timeout);
    }

    /**
     * The outcome of one probe.
     *
     * <pre>{@code
     * return pong ? ServiceCheck.Result.healthy("PING answered PONG") : ServiceCheck.Result.unhealthy("no PONG");
     * }</pre>
     *
     * @param status  healthy, degraded or unhealthy
     * @param message what was checked and found; never a secret
     */
    record Result(HealthStatus status, String message) {
        public Result {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(message, "message");
        }

        public static Result healthy(String message) {
            return new Result(HealthStatus.HEALTHY, message);
        }

        public static Result unhealthy(String message) {
            return new Result(HealthStatus.UNHEALTHY, message);
        }
    }
}
