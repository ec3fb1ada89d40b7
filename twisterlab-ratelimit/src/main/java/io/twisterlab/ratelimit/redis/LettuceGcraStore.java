package io.twisterlab.ratelimit.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.RateLimitStoreException;
import io.twisterlab.ratelimit.internal.Requests;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The Lettuce implementation of {@link RedisStore}: the decision path, wiring its parts together. A decision asks
 * {@link FailureHandling} for the circuit breaker's permission, encodes its limits and keys on the caller's thread
 * ({@link GcraScript}), is queued in the {@link DecisionBatcher}, whose calls go out on the
 * {@link ConnectionLifecycle}'s connection, and its reply (or failure) goes back through {@link FailureHandling}.
 */
final class LettuceGcraStore implements RedisStore {

    private final String name;
    /** {@code prefix + "{"}: every key starts with it. */
    private final String keyHead;
    private final long timeoutNanos;
    private final ConnectionLifecycle connection;
    private final FailureHandling failures;
    private final GcraScript script;
    private final DecisionBatcher batcher;

    private LettuceGcraStore(RedisStore.Builder b, ConnectionLifecycle connection) {
        this.name = b.name;
        this.keyHead = b.prefix + '{';
        this.timeoutNanos = b.timeout.toNanos();
        this.connection = connection;
        this.failures = new FailureHandling(b.name, "Redis", b.policy, b.localShare, b.localMaxKeys, b.ticker,
                b.failClosedRetryAfter, b.timeout, b.listener, b.breakerConfig);
        this.script = new GcraScript(b.name, b.testClock, b.testTtlPaddingMillis, failures::checkFallbackLimit);
        // on Redis Cluster the keys of different subjects live in different slots: one script call per decision
        this.batcher = new DecisionBatcher(b.clusterConnection != null ? 1 : b.maxBatchSize, this::send);
    }

    static RedisStore create(RedisStore.Builder b) {
        if (b.connection != null) {
            return new LettuceGcraStore(b, ConnectionLifecycle.injected(b.name, b.connection.async()));
        }
        if (b.clusterConnection != null) {
            return new LettuceGcraStore(b, ConnectionLifecycle.injected(b.name, b.clusterConnection.async()));
        }
        String uri = Objects.requireNonNull(b.uri, "uri");
        RedisConnections.Client client;
        try {
            client = RedisConnections.client(uri, b.connectTimeout, b.timeout.multipliedBy(20));
        } catch (RuntimeException e) {
            // no cause attached: parser messages quote the URI, and so its password
            throw new RateLimitStoreException("invalid Redis URI for the rate-limit store: "
                    + redact(String.valueOf(e.getMessage())));
        }
        LettuceGcraStore store = new LettuceGcraStore(b, ConnectionLifecycle.owned(b.name, b.policy.configName(), client));
        // If Redis cannot be reached the store starts degraded, as after a mid-run outage: the breaker is open, and
        // the first probe it lets through connects again.
        Throwable failure = store.connection.awaitFirst(b.connectTimeout);
        if (failure != null) {
            store.failures.unreachableAtStartUp(failure);
        }
        return store;
    }

    /** {@code redis://user:secret@host} → {@code redis://***@host}, anywhere in a message. */
    static String redact(String message) {
        return message.replaceAll("//[^@/]*@", "//***@");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public FailurePolicy failurePolicy() {
        return failures.policy();
    }

    @Override
    public CircuitBreaker circuitBreaker() {
        return failures.circuitBreaker();
    }

    @Override
    public String key(String subject, String limitId) {
        return keyHead + subject + "}:" + limitId;
    }

    @Override
    public boolean degraded() {
        return failures.degraded();
    }

    @Override
    public int localFallbackTrackedKeys() {
        return failures.localTrackedKeys();
    }

    /**
     * The blocking path: the caller's thread waits for its reply itself, bounded by the timeout (queueing and
     * NOSCRIPT retry included), and turns it into a decision. No timer task and no completion chain per call,
     * and the work of building the decision stays off Lettuce's event-loop thread. A timeout is a
     * {@link TimeoutException}, a store failure for the circuit breaker and the failure policy exactly as on the
     * asynchronous path.
     */
    @Override
    public Decision decide(String subject, long cost, List<Limit> limits) {
        Requests.check(subject, cost, limits);
        if (!failures.tryAcquirePermission()) {
            return failures.decide(subject, cost, limits);
        }
        long start = System.nanoTime();
        DecisionBatcher.Pending pending = submit(subject, cost, limits);
        long[] reply = null;
        Throwable error = null;
        try {
            reply = pending.reply.get(timeoutNanos - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            DecisionBatcher.giveUp(pending, e);
            return failures.abandoned(subject, cost, limits, e);
        } catch (ExecutionException e) {
            error = e;
        } catch (TimeoutException e) {
            DecisionBatcher.giveUp(pending, e);
            error = e;
        }
        return complete(reply, pending.offset, error, start, subject, cost, limits);
    }

    @Override
    public CompletionStage<Decision> decideAsync(String subject, long cost, List<Limit> limits) {
        try {
            Requests.check(subject, cost, limits);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!failures.tryAcquirePermission()) {
            return CompletableFuture.completedFuture(failures.decide(subject, cost, limits));
        }
        long start = System.nanoTime();
        DecisionBatcher.Pending pending;
        try {
            pending = submit(subject, cost, limits);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // asynchronous callers have no thread waiting: the bound needs a timer task
        return pending.reply.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).handle((r, error) -> {
            if (error instanceof TimeoutException) {
                DecisionBatcher.giveUp(pending, error);
            }
            return complete(r, pending.offset, error, start, subject, cost, limits);
        });
    }

    /**
     * Queues one decision. Its limits are encoded (and so validated) and its keys built on the caller's thread,
     * which keeps that work off the event loop that sends calls.
     */
    private DecisionBatcher.Pending submit(String subject, long cost, List<Limit> limits) {
        GcraScript.LimitArgs[] encoded = new GcraScript.LimitArgs[limits.size()];
        String[] keys = new String[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = script.encode(limits.get(i));
            keys[i] = keyHead + subject + encoded[i].keySuffix;
        }
        return batcher.submit(keys, cost, encoded);
    }

    /** One script call of the batcher, on the connection, or once connected. */
    private CompletableFuture<long[]> send(List<DecisionBatcher.Pending> members, int keyCount) {
        BaseRedisAsyncCommands<String, String> commands = connection.current();
        return commands != null
                ? script.call(commands, members, keyCount)
                : connection.connect().thenCompose(connected -> script.call(connected, members, keyCount));
    }

    /** The decision for a reply or an error; records the outcome in the circuit breaker. */
    private Decision complete(long @Nullable [] reply, int offset, @Nullable Throwable error, long start,
                              String subject, long cost, List<Limit> limits) {
        long elapsed = System.nanoTime() - start;
        Throwable failure = error;
        if (failure == null) {
            try {
                return failures.succeeded(GcraScript.decode(Objects.requireNonNull(reply, "reply"), offset, limits),
                        elapsed);
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        return failures.failed(subject, cost, limits, failure, elapsed);
    }

    @Override
    public void close() {
        failures.close();
        connection.close();
    }

    @Override
    public String toString() {
        return "RedisStore[" + name + ", " + failures.policy().configName() + (degraded() ? ", degraded]" : "]");
    }
}
