package io.twisterlab.ratelimit.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.twisterlab.ratelimit.CoarseTicker;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.DecisionListener;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.RateLimitStoreException;
import io.twisterlab.ratelimit.Ticker;
import io.twisterlab.ratelimit.internal.Requests;
import io.twisterlab.ratelimit.memory.MemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Lettuce implementation of {@link RedisStore}. */
final class LettuceGcraStore implements RedisStore {

    private static final Logger LOG = LoggerFactory.getLogger(LettuceGcraStore.class);

    private final String name;
    /** Null until the first connection of a store built from a URI succeeds; never null for an injected one. */
    private volatile @Nullable RedisScriptingAsyncCommands<String, String> redis;
    /** The client of a store built from a URI (null for an injected connection). */
    private final RedisConnections.@Nullable Client client;
    /** The connection attempt in flight, if any: at most one at a time, shared by every caller. */
    private final AtomicReference<@Nullable CompletableFuture<RedisScriptingAsyncCommands<String, String>>> connecting =
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
    private final String ttlPadding;
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

    /** What a decision sends for one limit, as strings: computed once per limit instead of once per call. */
    private static final class Encoded {
        final Limit limit;
        final String keySuffix;
        final String interval;
        final String burst;

        Encoded(Limit limit) {
            this.limit = limit;
            this.keySuffix = "}:" + limit.id();
            this.interval = Long.toString(limit.emissionIntervalMicros());
            this.burst = Long.toString(limit.burst());
        }
    }

    private LettuceGcraStore(RedisStore.Builder b, @Nullable RedisScriptingAsyncCommands<String, String> redis,
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
        this.ttlPadding = Long.toString(b.testTtlPaddingMillis);
        this.localTicker = b.ticker;
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
    private CompletableFuture<RedisScriptingAsyncCommands<String, String>> connect() {
        RedisConnections.Client c = java.util.Objects.requireNonNull(client, "client");
        while (true) {
            CompletableFuture<RedisScriptingAsyncCommands<String, String>> pending = connecting.get();
            if (pending != null) {
                return pending;
            }
            CompletableFuture<RedisScriptingAsyncCommands<String, String>> attempt = new CompletableFuture<>();
            if (connecting.compareAndSet(null, attempt)) {
                Thread t = new Thread(() -> connect(c, attempt), "twisterlab-ratelimit-connect-" + name);
                t.setDaemon(true);
                t.start();
                return attempt;
            }
        }
    }

    private void connect(RedisConnections.Client c,
                         CompletableFuture<RedisScriptingAsyncCommands<String, String>> attempt) {
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
    public Decision decide(String subject, long cost, Limit limit) {
        return decide(subject, cost, List.of(limit));
    }

    /**
     * The blocking path: the caller's thread waits for the reply itself, bounded by the timeout (NOSCRIPT retry
     * included), and turns it into a decision. No timer task and no completion chain per call, and the work of
     * building the decision stays off Lettuce's event-loop thread. A timeout is a {@link TimeoutException}, a
     * store failure for the circuit breaker and the failure policy exactly as on the asynchronous path.
     */
    @Override
    public Decision decide(String subject, long cost, List<Limit> limits) {
        Requests.check(subject, cost, limits);
        if (!breaker.tryAcquirePermission()) {
            enterDegraded("circuit breaker " + breaker.getState());
            return policyDecision(subject, cost, limits);
        }
        String[] keys = keys(subject, limits);
        String[] args = args(cost, limits);
        long start = System.nanoTime();
        long deadline = start + timeoutNanos;
        RedisScriptingAsyncCommands<String, String> commands = redis;
        CompletableFuture<List<Object>> call = commands != null
                ? evalsha(commands, keys, args)
                : connect().thenCompose(connected -> evalsha(connected, keys, args));
        List<Object> reply = null;
        Throwable error = null;
        try {
            try {
                reply = await(call, deadline);
            } catch (ExecutionException e) {
                Throwable cause = unwrap(e);
                RedisScriptingAsyncCommands<String, String> connected = redis;
                if (!isNoScript(cause) || connected == null) {
                    throw e;
                }
                reply = await(reload(connected, keys, args), deadline);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return onFailure(subject, cost, limits, e);
        } catch (ExecutionException e) {
            error = e;
        } catch (TimeoutException e) {
            error = e;
        }
        return complete(reply, error, start, subject, cost, limits);
    }

    /** Waits for {@code reply} until {@code deadline} ({@link System#nanoTime()}). */
    private static List<Object> await(CompletableFuture<List<Object>> reply, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0 && !reply.isDone()) {
            throw new TimeoutException();
        }
        return reply.get(Math.max(0L, left), TimeUnit.NANOSECONDS);
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
        String[] keys = keys(subject, limits);
        String[] args = args(cost, limits);
        long start = System.nanoTime();
        RedisScriptingAsyncCommands<String, String> commands = redis;
        CompletableFuture<List<Object>> call = commands != null
                ? run(commands, keys, args)
                : connect().thenCompose(connected -> run(connected, keys, args));
        // asynchronous callers have no thread waiting: the bound needs a timer task
        CompletableFuture<List<Object>> reply = call.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
        return reply.handle((r, error) -> complete(r, error, start, subject, cost, limits));
    }

    /** The decision for a reply or an error; records the outcome in the circuit breaker. */
    private Decision complete(@Nullable List<Object> reply, @Nullable Throwable error, long start, String subject,
                              long cost, List<Limit> limits) {
        long elapsed = System.nanoTime() - start;
        Throwable failure = error;
        if (failure == null) {
            try {
                Decision d = toDecision(reply, limits);
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

    private String[] keys(String subject, List<Limit> limits) {
        int n = limits.size();
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = keyHead + subject + encoded(limits.get(i)).keySuffix;
        }
        return keys;
    }

    private String[] args(long cost, List<Limit> limits) {
        int n = limits.size();
        String[] args = new String[3 + 2 * n];
        args[0] = cost == 1 ? "1" : Long.toString(cost);
        args[1] = testClock == null ? "" : Long.toString(testClock.read() / 1000L);
        args[2] = ttlPadding;
        for (int i = 0; i < n; i++) {
            Encoded e = encoded(limits.get(i));
            args[3 + 2 * i] = e.interval;
            args[4 + 2 * i] = e.burst;
        }
        return args;
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

    private static CompletableFuture<List<Object>> evalsha(RedisScriptingAsyncCommands<String, String> commands,
                                                           String[] keys, String[] args) {
        return commands.<List<Object>>evalsha(GcraScript.SHA1, ScriptOutputType.MULTI, keys, args)
                .toCompletableFuture();
    }

    /** One {@code EVALSHA}; on {@code NOSCRIPT}, one {@code EVAL} that also reloads the script. */
    private CompletableFuture<List<Object>> run(RedisScriptingAsyncCommands<String, String> commands, String[] keys,
                                                String[] args) {
        return evalsha(commands, keys, args)
                .exceptionallyCompose(e -> isNoScript(e) ? reload(commands, keys, args)
                        : CompletableFuture.failedFuture(e));
    }

    private CompletableFuture<List<Object>> reload(RedisScriptingAsyncCommands<String, String> commands,
                                                   String[] keys, String[] args) {
        LOG.info("rate-limit store '{}': script not cached in Redis, sending it again", name);
        return commands.<List<Object>>eval(GcraScript.SOURCE, ScriptOutputType.MULTI, keys, args)
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

    private static Decision toDecision(@Nullable List<Object> reply, List<Limit> limits) {
        if (reply == null || reply.size() != 5) {
            throw new RateLimitStoreException("unexpected reply from the rate-limit script: " + reply);
        }
        long allowed = asLong(reply.get(0));
        Limit limit = limits.get((int) asLong(reply.get(1)) - 1);
        long remaining = asLong(reply.get(2));
        long retryMicros = asLong(reply.get(3));
        long resetNanos = asLong(reply.get(4)) * 1000L;
        if (allowed == 1) {
            return Decision.allow(limit, remaining, resetNanos);
        }
        return Decision.deny(limit, remaining, retryMicros < 0 ? Decision.NEVER : retryMicros * 1000L, resetNanos);
    }

    private static long asLong(Object o) {
        if (o instanceof Long l) {
            return l;
        }
        throw new RateLimitStoreException("unexpected value in the rate-limit script reply: " + o);
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
