package io.twisterlab.ratelimit.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.RateLimitStoreException;
import io.twisterlab.ratelimit.internal.Requests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lettuce implementation of {@link RedisStore}: the decision path, wiring its parts together. A decision asks
 * {@link FailureHandling} for the circuit breaker's permission, encodes its limits and keys on the caller's thread
 * ({@link GcraScript}), is queued in the {@link DecisionBatcher}, whose calls go out on the
 * {@link ConnectionLifecycle}'s connection, and its reply (or failure) goes back through {@link FailureHandling}.
 */
final class LettuceGcraStore implements RedisStore {

    private static final Logger LOG = LoggerFactory.getLogger(LettuceGcraStore.class);

    private final String name;
    /** The prefix and the opening brace of the hash tag: every key starts with it. */
    private final String keyHead;
    private final long timeoutNanos;
    private final long timeoutMillis;
    /** The most a decision may wait in this JVM before its call is written to the connection. */
    private final long queueTimeoutNanos;
    private final ConnectionLifecycle connection;
    private final FailureHandling failures;
    private final GcraScript script;
    private final DecisionBatcher batcher;

    private LettuceGcraStore(RedisStore.Builder b, ConnectionLifecycle connection, boolean cluster) {
        this.name = b.name;
        this.keyHead = b.prefix + '{';
        this.timeoutNanos = b.timeout.toNanos();
        this.timeoutMillis = b.timeout.toMillis();
        this.queueTimeoutNanos = b.queueTimeout.toNanos();
        this.connection = connection;
        this.failures = new FailureHandling(b.name, "Redis", b.policy, b.localShare, b.localMaxKeys, b.ticker,
                b.failClosedRetryAfter, b.timeout, b.listener, b.breakerConfig);
        this.script = new GcraScript(b.name, b.testClock, b.testTtlPaddingMillis, failures::checkFallbackLimit);
        // on Redis Cluster the keys of different subjects live in different slots: one script call per decision
        this.batcher = new DecisionBatcher(cluster ? 1 : b.maxBatchSize, this::send);
    }

    static RedisStore create(RedisStore.Builder b) {
        if (b.connection != null) {
            return new LettuceGcraStore(b, ConnectionLifecycle.injected(b.name, b.connection.async()), false);
        }
        if (b.clusterConnection != null) {
            return new LettuceGcraStore(b, ConnectionLifecycle.injected(b.name, b.clusterConnection.async()), true);
        }
        // the injected forms are not warmed up: their caller owns the connection and its start-up
        String uri = Objects.requireNonNull(b.uri, "uri");
        RedisConnections.Client client;
        boolean cluster;
        try {
            cluster = RedisEndpoint.parse(uri).topology() == RedisEndpoint.Topology.CLUSTER;
            client = RedisConnections.client(uri, b.connectTimeout, b.timeout.multipliedBy(20));
        } catch (RuntimeException e) {
            // no cause attached: parser messages quote the URI, and so its password
            throw new RateLimitStoreException("invalid Redis URI for the rate-limit store: "
                    + redact(String.valueOf(e.getMessage())));
        }
        return create(b, client, cluster, System::nanoTime);
    }

    /** How many connect timeouts {@link RedisStore.Builder#build()} may take to connect and warm up. */
    static final int START_UP_BOUND_CONNECT_TIMEOUTS = 2;

    /** {@link #create(RedisStore.Builder)} with the client made and the start-up bound measured on {@code clock}. */
    static RedisStore create(RedisStore.Builder b, RedisConnections.Client client, boolean cluster, LongSupplier clock) {
        LettuceGcraStore store = new LettuceGcraStore(b,
                ConnectionLifecycle.owned(b.name, b.policy.configName(), client, clock), cluster);
        // If Redis cannot be reached the store starts degraded, as after a mid-run outage: the breaker is open, and
        // the first probe it lets through connects again.
        long start = clock.getAsLong();
        Duration bound = b.connectTimeout.multipliedBy(START_UP_BOUND_CONNECT_TIMEOUTS);
        CompletableFuture<?> first = store.connection.connect();
        Throwable failure = store.connection.awaitFirst(first, bound);
        if (failure != null) {
            store.failures.unreachableAtStartUp(failure);
            // an attempt still under way (a starved JVM) that connects later: probe at once, not after the open state
            CompletableFuture<Void> unused = first.thenRun(store.failures::connectedAfterStartUp);
        } else if (b.warmUp) {
            store.warmUp(bound.toNanos() - (clock.getAsLong() - start));
        }
        return store;
    }

    /** Decisions the warm-up takes: enough to load every class of the path and compile its hottest methods. */
    static final int WARM_UP_DECISIONS = 256;
    /** Threads taking them concurrently, so that calls are coalesced too. */
    private static final int WARM_UP_THREADS = 4;
    private static final String WARM_UP_SUBJECT = "twisterlab-warm-up";
    /** A limit the warm-up never exhausts, whose key expires within a second. */
    private static final Limit WARM_UP_LIMIT = Limit.of("warm-up", 1_000_000, Duration.ofSeconds(1));

    /**
     * Loads the script and takes {@value #WARM_UP_DECISIONS} decisions on a throw-away key, blocking and
     * asynchronous, alone and concurrently, within {@code budgetNanos}. Replies are decoded like real ones, but nothing
     * is recorded in the circuit breaker nor reported to the listener; a failure is only logged, and the store's
     * first real decisions decide as usual.
     */
    private void warmUp(long budgetNanos) {
        long start = System.nanoTime();
        long deadline = start + budgetNanos;
        BaseRedisAsyncCommands<String, String> commands = connection.current();
        try {
            if (commands != null) {
                GcraScript.load(commands).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            List<Limit> limits = List.of(WARM_UP_LIMIT);
            int perThread = WARM_UP_DECISIONS / WARM_UP_THREADS;
            List<CompletableFuture<Void>> threads = new ArrayList<>();
            for (int t = 0; t < WARM_UP_THREADS; t++) {
                boolean async = t % 2 == 1;
                threads.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < perThread && System.nanoTime() < deadline; i++) {
                        warmUpDecision(limits, deadline, async);
                    }
                }, r -> {
                    Thread thread = new Thread(r, "twisterlab-ratelimit-warm-up-" + name);
                    thread.setDaemon(true);
                    thread.start();
                }));
            }
            CompletableFuture.allOf(threads.toArray(CompletableFuture[]::new))
                    .get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (commands != null) { // leave nothing behind (the key would expire within a second anyway)
                commands.dispatch(CommandType.DEL, new IntegerOutput<>(StringCodec.UTF8),
                                new CommandArgs<>(StringCodec.UTF8).addKey(key(WARM_UP_SUBJECT, WARM_UP_LIMIT.id())))
                        .toCompletableFuture().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            LOG.info("rate-limit store '{}' warmed up in {} ms", name, (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.info("rate-limit store '{}': warm-up incomplete after {} ms ({}); first decisions may be slower",
                    name, (System.nanoTime() - start) / 1_000_000, FailureHandling.cause(e).toString());
        }
    }

    private void warmUpDecision(List<Limit> limits, long deadline, boolean async) {
        long start = System.nanoTime();
        DecisionBatcher.Pending pending = submit(WARM_UP_SUBJECT, 1, limits);
        try {
            long[] reply = async
                    ? pending.reply.copy().orTimeout(Math.max(1, deadline - start), TimeUnit.NANOSECONDS).join()
                    : pending.reply.get(Math.max(1, deadline - start), TimeUnit.NANOSECONDS);
            // decoded as a real reply, but not recorded in the circuit breaker: warm-up calls are not traffic
            Decision d = GcraScript.decode(reply, pending.offset, limits);
            if (!d.allowed() || d.degraded()) {
                throw new RateLimitStoreException("unexpected warm-up decision " + d);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            DecisionBatcher.giveUp(pending, e);
            throw new CompletionException(e);
        } catch (ExecutionException | TimeoutException | CompletionException e) {
            DecisionBatcher.giveUp(pending, e);
            throw new CompletionException(FailureHandling.cause(e));
        }
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
            reply = await(pending, start);
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

    /**
     * Waits for the reply of a decision submitted at {@code start}: until {@code timeout} after its call was
     * written to the connection, and, while it is not written yet, as {@link #remaining} says (checked at least
     * every {@code timeout}, so that a call written meanwhile gets its own deadline). Time this JVM did not run
     * does not count: when the waiting thread wakes up later than asked (the process was frozen — a GC pause, a
     * CPU quota, a starved machine), the lateness extends the deadline, so that the event loop, frozen too, gets
     * to read a reply that may be waiting in the socket. That extension is bounded by the queue timeout.
     */
    private long[] await(DecisionBatcher.Pending pending, long start)
            throws InterruptedException, ExecutionException, TimeoutException {
        long frozen = 0;
        while (true) {
            long now = System.nanoTime();
            long left = remaining(pending, start, now) + frozen;
            if (left <= 0) {
                throw timeout(pending);
            }
            try {
                return pending.reply.get(left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // loop: the deadline may have moved (the call was written meanwhile, or this thread woke up late)
                frozen = Math.min(queueTimeoutNanos, frozen + lateness(now + left));
            }
        }
    }

    /** @return how much later than {@code due} it is now, beyond a timer's ordinary slack; 0 if not late */
    private static long lateness(long due) {
        long late = System.nanoTime() - due;
        return late > TIMER_SLACK_NANOS ? late : 0;
    }

    /** A timed wait returning this much after its deadline is ordinary; later, the thread did not run. */
    private static final long TIMER_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    /**
     * @return how long the caller may still wait, at most one {@code timeout} at a time; {@code <= 0}: give up.
     *         Written: until {@code timeout} after the write. Not written yet: until {@code timeout} after the
     *         submission, and past that, while Redis keeps answering the calls ahead (a reply within the last
     *         {@code timeout}), until the queue timeout.
     */
    private long remaining(DecisionBatcher.Pending pending, long start, long now) {
        long written = pending.writtenNanos;
        if (written != 0) {
            return written + timeoutNanos - now;
        }
        long waited = now - start;
        if (waited < timeoutNanos) {
            return timeoutNanos - waited;
        }
        long lastReply = batcher.lastReplyNanos();
        long silent = lastReply == 0 ? Long.MAX_VALUE : now - lastReply;
        if (silent >= timeoutNanos) {
            return 0;
        }
        return Math.min(timeoutNanos - silent, start + queueTimeoutNanos - now);
    }

    private TimeoutException timeout(DecisionBatcher.Pending pending) {
        return new TimeoutException(pending.writtenNanos != 0
                ? "no reply from Redis within " + timeoutMillis + " ms of sending"
                : "not sent to Redis: queued behind calls it did not answer within " + timeoutMillis
                        + " ms, or for the queue timeout (" + queueTimeoutNanos / 1_000_000 + " ms)");
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
        return bounded(pending, start, 0).handle((r, error) -> {
            Throwable failure = error == null ? null : FailureHandling.cause(error);
            if (failure instanceof TimeoutException) {
                DecisionBatcher.giveUp(pending, failure);
            }
            return complete(r, pending.offset, failure, start, subject, cost, limits);
        });
    }

    /** The reply, or a {@link TimeoutException} at the deadline {@link #await} applies; one timer at a time. */
    private CompletableFuture<long[]> bounded(DecisionBatcher.Pending pending, long start, long frozen) {
        long now = System.nanoTime();
        long left = remaining(pending, start, now) + frozen;
        if (pending.reply.isDone()) {
            return pending.reply;
        }
        if (left <= 0) {
            return CompletableFuture.failedFuture(timeout(pending));
        }
        long due = now + left;
        return pending.reply.copy().orTimeout(left, TimeUnit.NANOSECONDS).exceptionallyCompose(e ->
                FailureHandling.cause(e) instanceof TimeoutException && !pending.reply.isDone()
                        ? bounded(pending, start, Math.min(queueTimeoutNanos, frozen + lateness(due)))
                        : pending.reply);
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
