package io.twisterlab.ratelimit.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.async.BaseRedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.twisterlab.ratelimit.CoarseTicker;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.DecisionListener;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.RateLimitStoreException;
import io.twisterlab.ratelimit.Ticker;
import io.twisterlab.ratelimit.internal.Requests;
import io.twisterlab.ratelimit.memory.MemoryStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lettuce implementation of {@link RedisStore}.
 *
 * <p>Decisions are coalesced: each one is queued, and a script call ({@link Batch}) carries every queued decision
 * (up to the batch size) whenever fewer than {@link #maxInFlight} calls are in flight. A lone caller is sent at
 * once, alone; concurrent callers that arrive while calls are in flight ride together on the next one. Callers
 * wait on their own {@link Pending#reply} with their own deadline; a caller that gives up marks its decision done,
 * so that it is skipped if not sent yet, and releases the in-flight slot of the call carrying it, so that a call
 * Redis never answers cannot stall the queue.
 */
final class LettuceGcraStore implements RedisStore {

    private static final Logger LOG = LoggerFactory.getLogger(LettuceGcraStore.class);

    private final String name;
    /** Null until the first connection of a store built from a URI succeeds; never null for an injected one. */
    private volatile @Nullable BaseRedisAsyncCommands<String, String> redis;
    /** The client of a store built from a URI (null for an injected connection). */
    private final RedisConnections.@Nullable Client client;
    /** The connection attempt in flight, if any: at most one at a time, shared by every caller. */
    private final AtomicReference<@Nullable CompletableFuture<BaseRedisAsyncCommands<String, String>>> connecting =
            new AtomicReference<>();
    private final Object lifecycle = new Object();
    private @Nullable Runnable connectionCloser; // guarded by lifecycle
    private boolean closed; // guarded by lifecycle
    private final long timeoutNanos;
    private final FailurePolicy policy;
    private final double localShare;
    private final MemoryStore local;
    private final long failClosedRetryNanos;
    private final DecisionListener listener;
    private final CircuitBreaker breaker;
    private final @Nullable Ticker testClock;
    private final byte[] ttlPaddingMillis;
    /** The local fallback's clock (checked against each limit if it is a {@link CoarseTicker}). */
    private final Ticker localTicker;
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final ConcurrentHashMap<Limit, Limit> scaled = new ConcurrentHashMap<>();
    /** {@code prefix + "{"}: every key starts with it. */
    private final String keyHead;
    /** Script arguments and key suffix per limit, built once (see {@link #encoded(Limit)}). */
    private final ConcurrentHashMap<Limit, Encoded> encodings = new ConcurrentHashMap<>();
    /** The last limit encoded, compared by identity: callers pass the same configured instance every time. */
    private volatile @Nullable Encoded lastEncoded;

    /** Most distinct limits whose encoding is kept: callers that build limits per request must not grow the map. */
    private static final int MAX_ENCODINGS = 1024;
    /** Script calls in flight at once when decisions are coalesced: one being answered while the next fills up. */
    private static final int COALESCING_IN_FLIGHT = 2;

    /** Most decisions one script call carries. */
    private final int maxBatch;
    /** Most script calls in flight; unbounded when every decision goes alone. */
    private final int maxInFlight;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();

    /**
     * One decision on its way. Its reply is the whole call's reply; its own {@value GcraScript#REPLY_WIDTH} values
     * start at {@link #offset}.
     */
    private static final class Pending {
        final String[] keys;
        final long cost;
        final Encoded[] limits;
        final CompletableFuture<long[]> reply = new CompletableFuture<>();
        /** The call carrying it, once drained from the queue. */
        volatile @Nullable Batch batch;
        /** Where its values start in the call's reply; written before the call is sent. */
        int offset;

        Pending(String[] keys, long cost, Encoded[] limits) {
            this.keys = keys;
            this.cost = cost;
            this.limits = limits;
        }
    }

    /** One script call; holds an in-flight slot until answered, or until one of its callers gives up. */
    private final class Batch {
        private final AtomicBoolean released = new AtomicBoolean();

        /** Frees the slot and sends what is queued. */
        void release() {
            if (free()) {
                dispatch();
            }
        }

        /** @return whether this call held its slot until now */
        boolean free() {
            if (released.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
                return true;
            }
            return false;
        }
    }

    /**
     * What a decision sends for one limit, computed once per limit instead of once per call: numbers as their ASCII
     * digits, which Lettuce copies as they are (a {@code long} argument would be formatted again on every call).
     */
    private static final class Encoded {
        final Limit limit;
        final String keySuffix;
        final byte[] interval;
        final byte[] burst;

        Encoded(Limit limit) {
            this.limit = limit;
            this.keySuffix = "}:" + limit.id();
            this.interval = digits(limit.emissionIntervalMicros());
            this.burst = digits(limit.burst());
        }
    }

    /** {@link #digits(long)} of 0..15: the usual costs and limit counts. */
    private static final byte[][] SMALL_NUMBERS = new byte[16][];

    static {
        for (int i = 0; i < SMALL_NUMBERS.length; i++) {
            SMALL_NUMBERS[i] = Long.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static byte[] digits(long n) {
        return n >= 0 && n < SMALL_NUMBERS.length ? SMALL_NUMBERS[(int) n]
                : Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private LettuceGcraStore(RedisStore.Builder b, @Nullable BaseRedisAsyncCommands<String, String> redis,
                             RedisConnections.@Nullable Client client) {
        this.name = b.name;
        this.keyHead = b.prefix + '{';
        this.redis = redis;
        this.client = client;
        this.timeoutNanos = b.timeout.toNanos();
        this.policy = b.policy;
        this.localShare = b.localShare;
        this.local = MemoryStore.builder().name(b.name + "-local").maxKeys(b.localMaxKeys).ticker(b.ticker).build();
        this.failClosedRetryNanos = b.failClosedRetryAfter.toNanos();
        this.listener = b.listener;
        this.testClock = b.testClock;
        this.ttlPaddingMillis = digits(b.testTtlPaddingMillis);
        this.localTicker = b.ticker;
        // on Redis Cluster the keys of different subjects live in different slots: one script call per decision
        this.maxBatch = b.clusterConnection != null ? 1 : b.maxBatchSize;
        this.maxInFlight = maxBatch == 1 ? Integer.MAX_VALUE : COALESCING_IN_FLIGHT;
        this.breaker = CircuitBreaker.of(b.name, b.breakerConfig);
        this.breaker.getEventPublisher().onStateTransition(e ->
                LOG.warn("rate-limit store '{}': circuit breaker {}", name, e.getStateTransition()));
    }

    static RedisStore create(RedisStore.Builder b) {
        if (b.connection != null) {
            return new LettuceGcraStore(b, b.connection.async(), null);
        }
        if (b.clusterConnection != null) {
            return new LettuceGcraStore(b, b.clusterConnection.async(), null);
        }
        String uri = java.util.Objects.requireNonNull(b.uri, "uri");
        RedisConnections.Client client;
        try {
            client = RedisConnections.client(uri, b.connectTimeout, b.timeout.multipliedBy(20));
        } catch (RuntimeException e) {
            // no cause attached: parser messages quote the URI, and so its password
            throw new RateLimitStoreException("invalid Redis URI for the rate-limit store: "
                    + redact(String.valueOf(e.getMessage())));
        }
        LettuceGcraStore store = new LettuceGcraStore(b, null, client);
        store.connectAtStartUp(b.connectTimeout);
        return store;
    }

    /** {@code redis://user:secret@host} → {@code redis://***@host}, anywhere in a message. */
    static String redact(String message) {
        return message.replaceAll("//[^@/]*@", "//***@");
    }

    /**
     * Waits up to {@code wait} for the first connection. If Redis cannot be reached the store starts degraded, as
     * after a mid-run outage: the error and the mode change go to the listener, the circuit breaker opens, and
     * the first probe it lets through connects again (see {@link #connect()}).
     */
    private void connectAtStartUp(Duration wait) {
        Throwable failure;
        try {
            connect().get(wait.toNanos(), TimeUnit.NANOSECONDS);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (ExecutionException e) {
            failure = unwrap(e);
        } catch (TimeoutException e) {
            failure = new TimeoutException("no connection within " + wait.toMillis() + " ms");
        }
        LOG.debug("rate-limit store '{}' cannot connect to Redis at start-up", name, failure);
        notifyError(failure);
        breaker.transitionToOpenState();
        enterDegraded("Redis unreachable at start-up: " + failure.getMessage());
    }

    /**
     * The connection attempt in flight, or a new one. Connecting blocks (DNS, TCP, TLS, Sentinel or Cluster
     * discovery), so it runs on its own short-lived thread; callers compose on the future with their own timeout,
     * and an attempt that outlives a caller's timeout still installs its connection for the next one. A failed
     * attempt is forgotten, so the next caller (a half-open probe of the circuit breaker) tries again.
     */
    private CompletableFuture<BaseRedisAsyncCommands<String, String>> connect() {
        RedisConnections.Client c = java.util.Objects.requireNonNull(client, "client");
        while (true) {
            CompletableFuture<BaseRedisAsyncCommands<String, String>> pending = connecting.get();
            if (pending != null) {
                return pending;
            }
            CompletableFuture<BaseRedisAsyncCommands<String, String>> attempt = new CompletableFuture<>();
            if (connecting.compareAndSet(null, attempt)) {
                Thread t = new Thread(() -> connect(c, attempt), "twisterlab-ratelimit-connect-" + name);
                t.setDaemon(true);
                t.start();
                return attempt;
            }
        }
    }

    private void connect(RedisConnections.Client c,
                         CompletableFuture<BaseRedisAsyncCommands<String, String>> attempt) {
        try {
            RedisConnections.Owned owned = c.connect();
            synchronized (lifecycle) {
                if (closed) {
                    owned.closer().run();
                    throw new RateLimitStoreException("rate-limit store '" + name + "' is closed");
                }
                connectionCloser = owned.closer();
                redis = owned.commands();
            }
            LOG.info("rate-limit store '{}' connected to Redis ({} policy)", name, policy.configName());
            attempt.complete(owned.commands());
        } catch (RuntimeException e) {
            LOG.debug("rate-limit store '{}' cannot connect to Redis: {}", name, e.toString());
            connecting.compareAndSet(attempt, null);
            attempt.completeExceptionally(e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public FailurePolicy failurePolicy() {
        return policy;
    }

    @Override
    public CircuitBreaker circuitBreaker() {
        return breaker;
    }

    @Override
    public String key(String subject, String limitId) {
        return keyHead + subject + "}:" + limitId;
    }

    @Override
    public boolean degraded() {
        return degraded.get();
    }

    @Override
    public int localFallbackTrackedKeys() {
        return local.trackedKeys();
    }

    @Override
    public Decision decide(String subject, long cost, Limit limit) {
        return decide(subject, cost, List.of(limit));
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
        if (!breaker.tryAcquirePermission()) {
            enterDegraded("circuit breaker " + breaker.getState());
            return policyDecision(subject, cost, limits);
        }
        long start = System.nanoTime();
        Pending pending = submit(subject, cost, limits);
        long[] reply = null;
        Throwable error = null;
        try {
            reply = pending.reply.get(timeoutNanos - (System.nanoTime() - start), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            giveUp(pending, e);
            return onFailure(subject, cost, limits, e);
        } catch (ExecutionException e) {
            error = e;
        } catch (TimeoutException e) {
            giveUp(pending, e);
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
        if (!breaker.tryAcquirePermission()) {
            enterDegraded("circuit breaker " + breaker.getState());
            return CompletableFuture.completedFuture(policyDecision(subject, cost, limits));
        }
        long start = System.nanoTime();
        Pending pending;
        try {
            pending = submit(subject, cost, limits);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // asynchronous callers have no thread waiting: the bound needs a timer task
        return pending.reply.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).handle((r, error) -> {
            if (error instanceof TimeoutException) {
                giveUp(pending, error);
            }
            return complete(r, pending.offset, error, start, subject, cost, limits);
        });
    }

    /**
     * Queues one decision and dispatches. Its limits are encoded (and so validated) and its keys built on the
     * caller's thread, which keeps that work off the event loop that sends calls.
     */
    private Pending submit(String subject, long cost, List<Limit> limits) {
        Encoded[] encoded = new Encoded[limits.size()];
        String[] keys = new String[encoded.length];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = encoded(limits.get(i));
            keys[i] = keyHead + subject + encoded[i].keySuffix;
        }
        Pending pending = new Pending(keys, cost, encoded);
        queue.offer(pending);
        dispatch();
        return pending;
    }

    /**
     * The caller no longer waits: a decision not sent yet will be skipped, and the call carrying one is no longer
     * counted in flight. (Either the dispatcher sees the decision done, or this sees its batch: both are volatile.)
     */
    private static void giveUp(Pending pending, Throwable why) {
        pending.reply.completeExceptionally(why);
        Batch carrier = pending.batch;
        if (carrier != null) {
            carrier.release();
        }
    }

    /** Sends queued decisions while an in-flight slot is free. Runs on callers' threads and on the event loop. */
    private void dispatch() {
        while (!queue.isEmpty()) {
            int n = inFlight.get();
            if (n >= maxInFlight) {
                return; // a call in flight dispatches again when it is released
            }
            if (!inFlight.compareAndSet(n, n + 1)) {
                continue;
            }
            Batch batch = new Batch();
            List<Pending> members = drain(batch);
            if (members.isEmpty()) {
                inFlight.decrementAndGet();
            } else {
                send(batch, members);
            }
        }
    }

    private List<Pending> drain(Batch batch) {
        List<Pending> members = new ArrayList<>(maxBatch == 1 ? 1 : 8);
        Pending p;
        while (members.size() < maxBatch && (p = queue.poll()) != null) {
            p.batch = batch;
            if (!p.reply.isDone()) {
                members.add(p);
            }
        }
        return members;
    }

    /** One script call for {@code members}; their replies are completed when it is answered. */
    private void send(Batch batch, List<Pending> members) {
        int keyCount = 0;
        for (int i = 0; i < members.size(); i++) {
            Pending p = members.get(i);
            p.offset = GcraScript.REPLY_WIDTH * i;
            keyCount += p.limits.length;
        }
        long timeOverride = testClock == null ? -1 : testClock.read() / 1000L;
        int keys = keyCount;
        CompletableFuture<long[]> call;
        try {
            BaseRedisAsyncCommands<String, String> commands = redis;
            call = commands != null
                    ? run(commands, members, keys, timeOverride)
                    : connect().thenCompose(connected -> run(connected, members, keys, timeOverride));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        // a call that failed (or was answered) at once, e.g. refused while disconnected, only frees its slot: the
        // dispatch loop that sent it goes on, and dispatching from here would nest once per queued call
        boolean completedAtOnce = call.isDone();
        call.whenComplete((reply, error) -> {
            if (completedAtOnce) {
                batch.free();
            } else {
                batch.release(); // the next call goes out before this one's callers are woken
            }
            deliver(members, reply, error);
        });
    }

    /**
     * The script's arguments, built directly as Redis protocol arguments: numbers as precomputed ASCII digits and
     * strings as UTF-8, copied straight into the output buffer (going through the codec would encode each value
     * into a temporary pooled buffer first, the largest cost of a call on the event loop).
     */
    private CommandArgs<String, String> scriptArgs(String script, List<Pending> members, int keyCount,
                                                   long timeOverride) {
        CommandArgs<String, String> args = new CommandArgs<>(StringCodec.UTF8).add(script).add(keyCount);
        for (Pending p : members) {
            for (String key : p.keys) {
                args.addKey(key);
            }
        }
        if (timeOverride < 0) {
            args.add("");
        } else {
            args.add(timeOverride);
        }
        args.add(ttlPaddingMillis);
        for (Pending p : members) {
            args.add(digits(p.cost)).add(digits(p.limits.length));
            for (Encoded e : p.limits) {
                args.add(e.interval).add(e.burst);
            }
        }
        return args;
    }

    private static void deliver(List<Pending> members, long @Nullable [] reply, @Nullable Throwable error) {
        Throwable failure = error;
        if (failure == null && (reply == null || reply.length != GcraScript.REPLY_WIDTH * members.size())) {
            failure = new RateLimitStoreException("unexpected reply from the rate-limit script for "
                    + members.size() + " decision(s)");
        }
        for (Pending p : members) {
            if (failure != null) {
                p.reply.completeExceptionally(failure);
            } else {
                p.reply.complete(reply);
            }
        }
    }

    /**
     * The script's reply, decoded straight into a {@code long[]} (no boxed values, no list). Anything but a flat
     * array of integers is an error.
     */
    private static final class ReplyOutput extends CommandOutput<String, String, long[]> {
        private int filled;

        ReplyOutput() {
            super(StringCodec.UTF8, null);
        }

        @Override
        public void multi(int count) {
            if (output == null) {
                output = new long[count];
            } else {
                unexpected("a nested array");
            }
        }

        @Override
        public void set(long integer) {
            if (output == null || filled == output.length) {
                unexpected("an integer out of place");
            } else {
                output[filled++] = integer;
            }
        }

        @Override
        public void set(@Nullable ByteBuffer bytes) {
            unexpected("a string");
        }

        @Override
        public long[] get() {
            return output != null && filled == output.length ? output : null;
        }

        private void unexpected(String what) {
            if (error == null) {
                setError("unexpected reply from the rate-limit script: " + what);
            }
        }
    }

    /** The decision for a reply or an error; records the outcome in the circuit breaker. */
    private Decision complete(long @Nullable [] reply, int offset, @Nullable Throwable error, long start,
                              String subject, long cost, List<Limit> limits) {
        long elapsed = System.nanoTime() - start;
        Throwable failure = error;
        if (failure == null) {
            try {
                Decision d = toDecision(java.util.Objects.requireNonNull(reply, "reply"), offset, limits);
                breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                if (breaker.getState() == CircuitBreaker.State.CLOSED) {
                    leaveDegraded();
                }
                return d;
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        Throwable cause = unwrap(failure);
        breaker.onError(elapsed, TimeUnit.NANOSECONDS, cause);
        return onFailure(subject, cost, limits, cause);
    }

    /** The encoding of {@code limit}: the last one if it is the same instance, else from the map (bounded). */
    private Encoded encoded(Limit limit) {
        Encoded e = lastEncoded;
        if (e != null && e.limit == limit) {
            return e;
        }
        e = encodings.get(limit);
        if (e == null) {
            if (localTicker instanceof CoarseTicker coarse) {
                coarse.check(limit.scaled(localShare)); // fail on first use, not in the middle of an outage
            }
            e = new Encoded(limit);
            if (encodings.size() < MAX_ENCODINGS) {
                Encoded previous = encodings.putIfAbsent(limit, e);
                if (previous != null) {
                    e = previous;
                }
            }
        }
        if (e.limit == limit) {
            lastEncoded = e;
        }
        return e;
    }

    @Override
    public void close() {
        local.close();
        if (client != null) {
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
            LOG.info("rate-limit store '{}' closed its Redis client", name);
        }
    }

    @Override
    public String toString() {
        return "RedisStore[" + name + ", " + policy.configName() + (degraded() ? ", degraded]" : "]");
    }

    /** One {@code EVALSHA}; on {@code NOSCRIPT}, one {@code EVAL} that also reloads the script. */
    private CompletableFuture<long[]> run(BaseRedisAsyncCommands<String, String> commands, List<Pending> members,
                                          int keyCount, long timeOverride) {
        return commands.dispatch(CommandType.EVALSHA, new ReplyOutput(),
                        scriptArgs(GcraScript.SHA1, members, keyCount, timeOverride))
                .toCompletableFuture()
                .exceptionallyCompose(e -> isNoScript(e) ? reload(commands, members, keyCount, timeOverride)
                        : CompletableFuture.failedFuture(e));
    }

    private CompletableFuture<long[]> reload(BaseRedisAsyncCommands<String, String> commands, List<Pending> members,
                                             int keyCount, long timeOverride) {
        LOG.info("rate-limit store '{}': script not cached in Redis, sending it again", name);
        return commands.dispatch(CommandType.EVAL, new ReplyOutput(),
                        scriptArgs(GcraScript.SOURCE, members, keyCount, timeOverride))
                .toCompletableFuture();
    }

    private static boolean isNoScript(Throwable e) {
        Throwable c = unwrap(e);
        return c instanceof RedisNoScriptException
                || (c.getMessage() != null && c.getMessage().startsWith("NOSCRIPT"));
    }

    private static Throwable unwrap(Throwable e) {
        Throwable c = e;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    /**
     * @param reply  a call's whole reply, its length already checked by {@link #deliver}
     * @param at     where this decision's values start
     * @param limits this decision's limits
     */
    private static Decision toDecision(long[] reply, int at, List<Limit> limits) {
        int index = (int) reply[at + 1] - 1;
        if (index < 0 || index >= limits.size()) {
            throw new RateLimitStoreException("unexpected limit index in the rate-limit script reply: " + (index + 1));
        }
        Limit limit = limits.get(index);
        long remaining = reply[at + 2];
        long retryMicros = reply[at + 3];
        long resetNanos = reply[at + 4] * 1000L;
        if (reply[at] == 1) {
            return Decision.allow(limit, remaining, resetNanos);
        }
        return Decision.deny(limit, remaining, retryMicros < 0 ? Decision.NEVER : retryMicros * 1000L, resetNanos);
    }

    private Decision onFailure(String subject, long cost, List<Limit> limits, Throwable cause) {
        String reason = cause instanceof TimeoutException
                ? "timeout after " + Duration.ofNanos(timeoutNanos).toMillis() + " ms"
                : String.valueOf(cause.getMessage());
        LOG.debug("rate-limit store '{}' failed: {}", name, reason, cause);
        notifyError(cause);
        enterDegraded(reason);
        return policyDecision(subject, cost, limits);
    }

    private void notifyError(Throwable cause) {
        try {
            listener.onStoreError(name, cause);
        } catch (RuntimeException e) {
            LOG.warn("rate-limit listener failed", e);
        }
    }

    private Decision policyDecision(String subject, long cost, List<Limit> limits) {
        Limit first = limits.get(0);
        return switch (policy) {
            case FAIL_OPEN -> new Decision(true, first, Math.max(0, first.burst() - cost), 0, 0, true, false);
            case FAIL_CLOSED -> cost == 0
                    ? new Decision(true, first, 0, 0, failClosedRetryNanos, true, false)
                    : new Decision(false, first, 0, failClosedRetryNanos, failClosedRetryNanos, true, false);
            case LOCAL_FALLBACK -> local.decide(subject, cost, localLimits(limits)).asDegraded();
        };
    }

    private List<Limit> localLimits(List<Limit> limits) {
        List<Limit> out = new ArrayList<>(limits.size());
        for (Limit l : limits) {
            out.add(scaled.computeIfAbsent(l, k -> k.scaled(localShare)));
        }
        return out;
    }

    private void enterDegraded(String reason) {
        if (degraded.compareAndSet(false, true)) {
            LOG.warn("rate-limit store '{}' degraded ({}): decisions now follow the {} policy", name, reason,
                    policy.configName());
            modeChange(true, reason);
        }
    }

    private void leaveDegraded() {
        if (degraded.compareAndSet(true, false)) {
            LOG.info("rate-limit store '{}' recovered: decisions come from Redis again", name);
            modeChange(false, "redis answered");
        }
    }

    private void modeChange(boolean nowDegraded, String reason) {
        try {
            listener.onModeChange(name, nowDegraded, reason);
        } catch (RuntimeException e) {
            LOG.warn("rate-limit listener failed", e);
        }
    }
}
