package io.twisterlab.ratelimit.redis;

import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.twisterlab.ratelimit.RateLimitStoreException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's connection to Redis. An injected connection is used as it is and never closed (Lettuce reconnects
 * it). A connection the store owns (built from a URI) is established on demand, at most one attempt at a time and
 * again after a failed one — Lettuce reconnects an established connection by itself but never retries a first
 * one — and closed with its client.
 */
final class ConnectionLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLifecycle.class);

    private final String storeName;
    /** For the log line on connecting: the store's failure policy. */
    private final String policyName;
    /** Null until the first connection of an owned client succeeds; never null for an injected one. */
    private volatile @Nullable BaseRedisAsyncCommands<String, String> commands;
    /** The client of a store built from a URI (null for an injected connection). */
    private final RedisConnections.@Nullable Client client;
    /** The connection attempt in flight, if any: at most one at a time, shared by every caller. */
    private final AtomicReference<@Nullable CompletableFuture<BaseRedisAsyncCommands<String, String>>> connecting =
            new AtomicReference<>();
    /** {@link System#nanoTime()}, or a test's clock: what {@link #awaitFirst} measures its bound on. */
    private final LongSupplier clock;
    private final Object lifecycle = new Object();
    private @Nullable Runnable connectionCloser; // guarded by lifecycle
    private boolean closed; // guarded by lifecycle

    private ConnectionLifecycle(String storeName, String policyName,
                                @Nullable BaseRedisAsyncCommands<String, String> commands,
                                RedisConnections.@Nullable Client client, LongSupplier clock) {
        this.storeName = storeName;
        this.policyName = policyName;
        this.commands = commands;
        this.client = client;
        this.clock = clock;
    }

    /** @return a lifecycle over a connection the caller manages */
    static ConnectionLifecycle injected(String storeName, BaseRedisAsyncCommands<String, String> commands) {
        return new ConnectionLifecycle(storeName, "", commands, null, System::nanoTime);
    }

    /**
     * @param clock nanoseconds, {@link System#nanoTime()} but in tests
     * @return a lifecycle that connects {@code client} on demand and shuts it down on {@link #close()}
     */
    static ConnectionLifecycle owned(String storeName, String policyName, RedisConnections.Client client,
                                     LongSupplier clock) {
        return new ConnectionLifecycle(storeName, policyName, null, client, clock);
    }

    /** @return the connected commands, or null while there is no connection yet (then use {@link #connect()}) */
    @Nullable BaseRedisAsyncCommands<String, String> current() {
        return commands;
    }

    /**
     * The connection attempt in flight, or a new one. Connecting blocks (DNS, TCP, TLS, Sentinel or Cluster
     * discovery), so it runs on its own short-lived thread; callers compose on the future with their own timeout,
     * and an attempt that outlives a caller's timeout still installs its connection for the next one. A failed
     * attempt is forgotten, so the next caller (a half-open probe of the circuit breaker) tries again.
     */
    CompletableFuture<BaseRedisAsyncCommands<String, String>> connect() {
        RedisConnections.Client c = Objects.requireNonNull(client, "client");
        while (true) {
            CompletableFuture<BaseRedisAsyncCommands<String, String>> pending = connecting.get();
            if (pending != null) {
                return pending;
            }
            CompletableFuture<BaseRedisAsyncCommands<String, String>> attempt = new CompletableFuture<>();
            if (connecting.compareAndSet(null, attempt)) {
                Thread t = new Thread(() -> connect(c, attempt), "twisterlab-ratelimit-connect-" + storeName);
                t.setDaemon(true);
                t.start();
                return attempt;
            }
        }
    }

    private void connect(RedisConnections.Client c, CompletableFuture<BaseRedisAsyncCommands<String, String>> attempt) {
        long start = System.nanoTime();
        try {
            RedisConnections.Owned owned = c.connect();
            synchronized (lifecycle) {
                if (closed) {
                    owned.closer().run();
                    throw new RateLimitStoreException("rate-limit store '" + storeName + "' is closed");
                }
                connectionCloser = owned.closer();
                commands = owned.commands();
            }
            LOG.info("rate-limit store '{}' connected to Redis in {} ms ({} policy)", storeName,
                    (System.nanoTime() - start) / 1_000_000, policyName);
            attempt.complete(owned.commands());
        } catch (RuntimeException e) {
            LOG.debug("rate-limit store '{}' cannot connect to Redis: {}", storeName, e.toString());
            connecting.compareAndSet(attempt, null);
            attempt.completeExceptionally(e);
        }
    }

    /** How often {@link #awaitFirst} looks at its clock while the attempt goes on. */
    private static final long AWAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * Waits for the outcome of the first connection {@code attempt} ({@link #connect()}) of an owned client, at most
     * {@code bound} on the clock.
     * What decides that Redis is unreachable is the attempt itself: a refused connection fails at once, and a TCP
     * connect that gets no answer fails at the connect timeout, which Netty measures from the moment it starts
     * connecting. The time a fresh JVM spends before that and around it (loading and interpreting Lettuce's and
     * Netty's classes, starting the event loop: seconds on a starved CPU, milliseconds warm) is not a failure of
     * Redis; {@code bound} only keeps start-up bounded.
     *
     * @return null once connected, else why not (the attempt goes on and installs its connection if it succeeds)
     */
    @Nullable Throwable awaitFirst(CompletableFuture<?> attempt, Duration bound) {
        long deadline = clock.getAsLong() + bound.toNanos();
        try {
            while (true) {
                long left = deadline - clock.getAsLong();
                if (left <= 0) {
                    return new TimeoutException("no connection within " + bound.toMillis() + " ms");
                }
                try {
                    attempt.get(Math.min(left, AWAIT_SLICE_NANOS), TimeUnit.NANOSECONDS);
                    return null;
                } catch (TimeoutException e) {
                    // look at the clock again
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (ExecutionException e) {
            return FailureHandling.cause(e);
        }
    }

    /** Closes an owned connection and its client; an injected connection is left open. */
    void close() {
        if (client == null) {
            return;
        }
        Runnable closer;
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            closer = connectionCloser;
            connectionCloser = null;
        }
        if (closer != null) {
            closer.run();
        }
        client.shutdown();
        LOG.info("rate-limit store '{}' closed its Redis client", storeName);
    }
}
