package io.twisterlab.ratelimit.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.twisterlab.ratelimit.DecisionListener;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.RateLimitStore;
import io.twisterlab.ratelimit.Ticker;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * GCRA state shared through Redis, so that every instance of a service enforces one limit together.
 *
 * <ul>
 *   <li><b>One round trip.</b> A decision is one {@code EVALSHA} of a Lua script, whatever the number of limits;
 *       if Redis answers {@code NOSCRIPT} (restart, {@code SCRIPT FLUSH}, failover) the call is retried once with
 *       {@code EVAL}, which also reloads the script.</li>
 *   <li><b>Coalesced under load.</b> Concurrent decisions share script calls: a decision is sent at once while
 *       fewer than two calls are in flight, otherwise it waits for the next call, which carries every decision
 *       queued meanwhile (up to {@linkplain Builder#maxBatchSize(int) 64}). One caller alone still gets one call
 *       per decision and no added latency; 64 callers get a fraction of a command each, and Redis runs one
 *       {@code TIME} and one {@code GET}/{@code SET} per distinct key per call. Decisions in a call are taken in
 *       order, exactly as if sent one by one. On Redis Cluster every decision is its own call (subjects live in
 *       different slots).</li>
 *   <li><b>One clock.</b> The script reads Redis {@code TIME} (microseconds); client clocks are never used, so
 *       instances with skewed clocks agree.</li>
 *   <li><b>Keys.</b> One key per (limit, subject), {@code <prefix>{<subject>}:<limitId>}, holding the theoretical
 *       arrival time, with a {@code PX} TTL equal to the time until the bucket is full again: idle subjects cost
 *       nothing. The hash tag keeps a subject's keys in one slot, so multi-limit scripts run on Redis Cluster.</li>
 *   <li><b>Bounded.</b> Every call has a timeout (default {@value #DEFAULT_TIMEOUT_MILLIS} ms) that measures Redis:
 *       it runs from the moment the call is written to the connection until its reply. The time a decision spends
 *       in this JVM before that (queued behind calls in flight, or waiting for an event loop starved of CPU) has
 *       its own bound, the {@linkplain Builder#queueTimeout(Duration) queue timeout} (default
 *       {@value #DEFAULT_QUEUE_TIMEOUT_MILLIS} ms), and time the JVM did not run (the waiting thread woke up late: a GC
 *       pause, a CPU quota) extends the deadline by at most the queue timeout, so that a frozen event loop gets to
 *       read a reply already in the socket. Every call goes through a
 *       resilience4j circuit breaker that opens on sustained failure only (half of the last 100 calls, at
 *       least 10 failures); while it is open a decision costs microseconds; half-open probes recover
 *       automatically when Redis returns. A timeout is a {@link java.util.concurrent.TimeoutException}, a store
 *       failure for the breaker and the policy; the connection's own Lettuce command timeout is not relied upon
 *       (it is coarser, and an injected connection may set it to anything).</li>
 *   <li><b>Warm from the start.</b> {@link Builder#build()} warms the decision path up once connected (script
 *       loaded, classes loaded and compiled by a few hundred decisions on a throw-away key), so the first real
 *       decisions of a fresh JVM do not time out on class loading and interpretation.</li>
 *   <li><b>Failure is a policy.</b> When Redis fails or the breaker is open, the {@link FailurePolicy} answers
 *       (default {@link FailurePolicy#LOCAL_FALLBACK} at share 1.0) and the decision is flagged
 *       {@link io.twisterlab.ratelimit.Decision#degraded() degraded}; errors and mode changes go to the listener and
 *       to the log.</li>
 *   <li><b>Start-up too.</b> A store built from a URI does not need Redis to be up: {@link Builder#build()} waits
 *       for the outcome of its first connection (refused at once, or no answer within the
 *       {@linkplain Builder#connectTimeout(Duration) connect timeout} of the TCP connect itself), at most twice the
 *       connect timeout in all, and if there is none, returns a store that starts {@linkplain #degraded() degraded}
 *       exactly as after a mid-run outage (error and mode change reported, circuit breaker open, the policy decides). Each probe the breaker
 *       lets through (half-open) connects again, still bounded by the decision timeout, so the store recovers by
 *       itself when Redis comes up; nothing needs to be rebuilt. Only an invalid URI fails the build.</li>
 *   <li><b>Never applied behind the caller's back.</b> A store built from a URI rejects commands while
 *       disconnected (Lettuce's {@code REJECT_COMMANDS}; on Cluster also while a node's connection is still being
 *       opened, which is why the store opens every node's connection up front and on each topology change): a
 *       decision the failure policy answered because it could not be sent is never sent later. Only a decision that
 *       timed out after it was written may have been applied by Redis.</li>
 * </ul>
 *
 * <p>Requires Redis 5 or later (the script writes after reading {@code TIME}, relying on effects replication).
 *
 * <p>URIs: {@code redis://host:6379/0}, {@code rediss://} for TLS, {@code redis-sentinel://h1:26379,h2:26379/0#mymaster}
 * for Sentinel, and {@code redis-cluster://h1:6379,h2:6379} (or {@code rediss-cluster://}) for Cluster. Or inject
 * a connection you manage: Lettuce connections are thread-safe and multiplex, one is enough.
 *
 * <pre>{@code
 * RedisStore store = RedisStore.builder("redis://redis:6379")
 *         .failurePolicy(FailurePolicy.LOCAL_FALLBACK)
 *         .localFallbackShare(1.0 / 3)          // three replicas share the limit while Redis is down
 *         .listener(metrics)
 *         .build();
 * RateLimiter limiter = RateLimiter.builder(store).listener(metrics).build();
 * }</pre>
 */
public interface RedisStore extends RateLimitStore {

    /** Default timeout of one decision, in milliseconds. */
    long DEFAULT_TIMEOUT_MILLIS = 50;
    /** Default bound on the time a decision waits in this JVM before its call is sent, in milliseconds. */
    long DEFAULT_QUEUE_TIMEOUT_MILLIS = 1000;
    /** Default key prefix. */
    String DEFAULT_PREFIX = "twisterlab:rl:";
    /** Default most decisions one script call carries. */
    int DEFAULT_MAX_BATCH_SIZE = 64;
    /** Largest accepted {@link Builder#maxBatchSize(int)}: a script call blocks Redis while it runs. */
    int MAX_BATCH_SIZE = 1024;

    /**
     * @param uri a Redis URI (see the class documentation)
     * @return a builder; the store creates and closes its own client, and connects it (again) whenever needed
     */
    static Builder builder(String uri) {
        return new Builder(Objects.requireNonNull(uri, "uri"), null, null);
    }

    /**
     * @param connection a standalone, TLS or Sentinel-backed connection; not closed by the store (Lettuce
     *                   reconnects it after an outage)
     * @return a builder
     */
    static Builder builder(StatefulRedisConnection<String, String> connection) {
        return new Builder(null, Objects.requireNonNull(connection, "connection"), null);
    }

    /**
     * @param connection a Redis Cluster connection; not closed by the store. Its client's options are yours: with
     *                   {@code DisconnectedBehavior.REJECT_COMMANDS}, Lettuce 7.7 rejects a command whose node
     *                   connection is still being opened, so open them first
     *                   ({@code connection.getConnection(host, port)} for every node), as a store built from a URI does
     * @return a builder
     */
    static Builder builder(StatefulRedisClusterConnection<String, String> connection) {
        return new Builder(null, null, Objects.requireNonNull(connection, "connection"));
    }

    /**
     * The Lua script every decision runs, for operators who audit or preload it and for load tools that must send
     * exactly what the store sends. The store needs no preloading: it answers {@code NOSCRIPT} with {@code EVAL}.
     *
     * <pre>{@code
     * String sha = redis.scriptLoad(RedisStore.scriptSource());   // the SHA-1 the store's EVALSHA sends
     * }</pre>
     *
     * @return the script's source
     */
    static String scriptSource() {
        return GcraScript.SOURCE;
    }

    /** @return the failure policy */
    FailurePolicy failurePolicy();

    /** @return the circuit breaker around Redis calls, for inspection and metrics */
    CircuitBreaker circuitBreaker();

    /**
     * @param subject a subject
     * @param limitId a limit id
     * @return the Redis key holding that pair's state
     */
    String key(String subject, String limitId);

    /**
     * @return the (limit, subject) pairs the local fallback store tracks now: 0 until it has decided during an
     *         outage (policy {@link FailurePolicy#LOCAL_FALLBACK}), never above its
     *         {@linkplain Builder#localFallbackMaxKeys(int) cap}; for a gauge
     */
    int localFallbackTrackedKeys();

    /** Builds a {@link RedisStore}; {@link #build()} validates, then tries to connect once (see there). */
    final class Builder {
        final @Nullable String uri;
        final @Nullable StatefulRedisConnection<String, String> connection;
        final @Nullable StatefulRedisClusterConnection<String, String> clusterConnection;
        String name = "redis";
        String prefix = DEFAULT_PREFIX;
        Duration timeout = Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS);
        Duration connectTimeout = Duration.ofSeconds(5);
        Duration queueTimeout = Duration.ofMillis(DEFAULT_QUEUE_TIMEOUT_MILLIS);
        boolean warmUp = true;
        FailurePolicy policy = FailurePolicy.LOCAL_FALLBACK;
        double localShare = 1.0;
        int localMaxKeys = 100_000;
        Duration failClosedRetryAfter = Duration.ofSeconds(1);
        Ticker ticker = Ticker.system();
        DecisionListener listener = DecisionListener.noop();
        CircuitBreakerConfig breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(100)
                .minimumNumberOfCalls(20)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(5))
                .permittedNumberOfCallsInHalfOpenState(3)
                .build();
        int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        @Nullable Ticker testClock;
        long testTtlPaddingMillis;

        private Builder(@Nullable String uri, @Nullable StatefulRedisConnection<String, String> connection,
                        @Nullable StatefulRedisClusterConnection<String, String> clusterConnection) {
            this.uri = uri;
            this.connection = connection;
            this.clusterConnection = clusterConnection;
        }

        /**
         * @param name the store name for logs and metrics (default {@code redis})
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param prefix the key prefix (default {@value RedisStore#DEFAULT_PREFIX}); no braces
         * @return this builder
         */
        public Builder keyPrefix(String prefix) {
            if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
                throw new IllegalArgumentException("key prefix must not contain '{' or '}': " + prefix);
            }
            this.prefix = prefix;
            return this;
        }

        /**
         * The most one decision waits for Redis: from the moment its call is written to the connection (on
         * Lettuce's event loop) until the reply, NOSCRIPT retry included. Time spent in this JVM before that —
         * queued behind the calls in flight, or waiting for a busy event loop — is bounded by the
         * {@linkplain #queueTimeout(Duration) queue timeout} instead, so a starved CPU is not mistaken for a slow
         * Redis. A timeout is a store failure: the circuit breaker counts it and the failure policy decides.
         *
         * @param timeout positive (default 50 ms)
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Bounds every TCP connection attempt of a store built from a URI, measured by Netty from the moment it
         * starts connecting: an unreachable Redis fails the first connection within it. {@link #build()} waits for
         * the outcome of that first attempt, at most twice this bound, connecting and warm-up together: a fresh JVM
         * on a starved CPU spends seconds loading and starting Lettuce and Netty around the connect itself, which is
         * not Redis being unreachable. A first connection slower than that is not lost: the store starts degraded,
         * and the moment it connects the circuit breaker lets its probes through. Ignored for an injected connection.
         *
         * @param connectTimeout positive (default 5 s)
         * @return this builder
         */
        public Builder connectTimeout(Duration connectTimeout) {
            if (connectTimeout.isNegative() || connectTimeout.isZero()) {
                throw new IllegalArgumentException("connect timeout must be positive, got " + connectTimeout);
            }
            this.connectTimeout = connectTimeout;
            return this;
        }

        /**
         * Bounds the time a decision waits in this JVM before its call is written to the connection: behind the
         * calls in flight, or for an event loop starved of CPU. Past the {@linkplain #timeout(Duration) timeout} it
         * waits on only while Redis keeps answering (some reply within the last timeout): queued behind a Redis
         * that has stopped answering, it gives up at the timeout as before. A decision waits at most
         * {@code queueTimeout + timeout}.
         *
         * @param queueTimeout positive (default {@value RedisStore#DEFAULT_QUEUE_TIMEOUT_MILLIS} ms)
         * @return this builder
         */
        public Builder queueTimeout(Duration queueTimeout) {
            if (queueTimeout.isNegative() || queueTimeout.isZero()) {
                throw new IllegalArgumentException("queue timeout must be positive, got " + queueTimeout);
            }
            this.queueTimeout = queueTimeout;
            return this;
        }

        /**
         * Whether {@link #build()} warms the decision path up once connected (default true): it loads the script
         * ({@code SCRIPT LOAD}) and takes a few hundred decisions, alone and concurrently, on a throw-away key
         * ({@code <prefix>{twisterlab-warm-up}:...}, expiring within a second), within the start-up bound. A cold
         * JVM otherwise loads and interprets Lettuce's, Netty's and the store's classes during its first real
         * decisions, which then take tens to hundreds of milliseconds on a loaded CPU. Warm-up calls never count
         * as store errors nor in the circuit breaker's failures.
         *
         * @param warmUp false to skip it (tests that count commands, short-lived tools)
         * @return this builder
         */
        public Builder warmUp(boolean warmUp) {
            this.warmUp = warmUp;
            return this;
        }

        /**
         * @param policy what to answer when Redis fails (default {@link FailurePolicy#LOCAL_FALLBACK})
         * @return this builder
         */
        public Builder failurePolicy(FailurePolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param share the share of each limit the local fallback enforces, in (0, 1], e.g. 1/instances
         * @return this builder
         */
        public Builder localFallbackShare(double share) {
            if (!(share > 0.0 && share <= 1.0)) {
                throw new IllegalArgumentException("local fallback share must be in (0, 1], got " + share);
            }
            this.localShare = share;
            return this;
        }

        /**
         * @param maxKeys the cap on keys tracked by the local fallback store
         * @return this builder
         */
        public Builder localFallbackMaxKeys(int maxKeys) {
            this.localMaxKeys = maxKeys;
            return this;
        }

        /**
         * @param retryAfter the retry-after of {@link FailurePolicy#FAIL_CLOSED} denials (default 1 s)
         * @return this builder
         */
        public Builder failClosedRetryAfter(Duration retryAfter) {
            if (retryAfter.isNegative() || retryAfter.isZero()) {
                throw new IllegalArgumentException("fail-closed retry-after must be positive, got " + retryAfter);
            }
            this.failClosedRetryAfter = retryAfter;
            return this;
        }

        /**
         * @param ticker the clock of the local fallback store only; Redis decisions use Redis {@code TIME}. With a
         *               {@link io.twisterlab.ratelimit.CoarseTicker} a limit too fine for it is rejected on its
         *               first decision, not during an outage
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * @param listener receives store errors and mode changes
         * @return this builder
         */
        public Builder listener(DecisionListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @param config the circuit breaker configuration (default: over the last 100 calls, opens at 50 % failures
         *               once there are at least 20 — sustained failure, not a few slow calls of a cold or
         *               overloaded instance —, probes after 5 s with 3 calls)
         * @return this builder
         */
        public Builder circuitBreaker(CircuitBreakerConfig config) {
            this.breakerConfig = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * Bounds how many concurrent decisions one script call may carry (see the class documentation). Larger
         * batches save client and Redis CPU under load; each call runs as one script, which blocks Redis for its
         * duration (a few microseconds per decision). {@code 1} turns coalescing off: every decision is its own
         * call, sent at once. Ignored on Redis Cluster (always 1).
         *
         * @param maxBatchSize 1 to {@value RedisStore#MAX_BATCH_SIZE} (default {@value RedisStore#DEFAULT_MAX_BATCH_SIZE})
         * @return this builder
         */
        public Builder maxBatchSize(int maxBatchSize) {
            if (maxBatchSize < 1 || maxBatchSize > MAX_BATCH_SIZE) {
                throw new IllegalArgumentException("max batch size must be between 1 and " + MAX_BATCH_SIZE
                        + ", got " + maxBatchSize);
            }
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        /**
         * Tests only: replace Redis {@code TIME} by a fake clock (whole microseconds) and pad TTLs so that keys do
         * not expire in real time while the fake clock stands still.
         */
        Builder testClock(Ticker clock, long ttlPaddingMillis) {
            this.testClock = clock;
            this.testTtlPaddingMillis = ttlPaddingMillis;
            return this;
        }

        /**
         * Builds the store. From a URI: parses it (failing fast if it is invalid), then waits for its first
         * connection and, once connected, warms the decision path up (see {@link #warmUp(boolean)}), both within
         * twice the {@linkplain #connectTimeout(Duration) connect timeout}: a store returned connected
         * answers its first decisions as fast as its later ones. If Redis cannot be
         * reached the store is still returned, {@linkplain RedisStore#degraded() degraded}: the failure policy
         * decides, the listener has received the error and the mode change, the circuit breaker is open, and the
         * store connects by itself on the first probe once the breaker lets one through (at once if the first
         * attempt, still under way at the bound, connects later).
         *
         * @return the store
         * @throws io.twisterlab.ratelimit.RateLimitStoreException if the URI is invalid (the message never
         *                                                         contains the URI's password)
         */
        public RedisStore build() {
            return LettuceGcraStore.create(this);
        }
    }
}
