package io.twisterlab.ratelimit.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Lettuce implementation of {@link RedisStore}. */
final class LettuceGcraStore implements RedisStore {

    private static final Logger LOG = LoggerFactory.getLogger(LettuceGcraStore.class);

    private final String name;
    private final String prefix;
    private final RedisScriptingAsyncCommands<String, String> redis;
    private final @Nullable Runnable closer;
    private final long timeoutNanos;
    private final FailurePolicy policy;
    private final double localShare;
    private final MemoryStore local;
    private final long failClosedRetryNanos;
    private final DecisionListener listener;
    private final CircuitBreaker breaker;
    private final @Nullable Ticker testClock;
    private final String ttlPadding;
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final ConcurrentHashMap<Limit, Limit> scaled = new ConcurrentHashMap<>();

    private LettuceGcraStore(RedisStore.Builder b, RedisScriptingAsyncCommands<String, String> redis,
                             @Nullable Runnable closer) {
        this.name = b.name;
        this.prefix = b.prefix;
        this.redis = redis;
        this.closer = closer;
        this.timeoutNanos = b.timeout.toNanos();
        this.policy = b.policy;
        this.localShare = b.localShare;
        this.local = MemoryStore.builder().name(b.name + "-local").maxKeys(b.localMaxKeys).ticker(b.ticker).build();
        this.failClosedRetryNanos = b.failClosedRetryAfter.toNanos();
        this.listener = b.listener;
        this.testClock = b.testClock;
        this.ttlPadding = Long.toString(b.testTtlPaddingMillis);
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
        RedisConnections.Owned owned;
        try {
            owned = RedisConnections.connect(uri, b.timeout.multipliedBy(20));
        } catch (RuntimeException e) {
            throw new RateLimitStoreException("cannot connect the rate-limit store to Redis: " + e.getMessage(), e);
        }
        LOG.info("rate-limit store '{}' connected to Redis ({} policy)", b.name, b.policy.configName());
        return new LettuceGcraStore(b, owned.commands(), owned.closer());
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
        return prefix + '{' + subject + "}:" + limitId;
    }

    @Override
    public boolean degraded() {
        return degraded.get();
    }

    @Override
    public Decision decide(String subject, long cost, Limit limit) {
        return decide(subject, cost, List.of(limit));
    }

    @Override
    public Decision decide(String subject, long cost, List<Limit> limits) {
        try {
            return decideAsync(subject, cost, limits).toCompletableFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return onFailure(subject, cost, limits, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new RateLimitStoreException("rate-limit decision failed", e);
        }
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
        int n = limits.size();
        String[] keys = new String[n];
        String[] args = new String[3 + 2 * n];
        args[0] = Long.toString(cost);
        args[1] = testClock == null ? "" : Long.toString(testClock.read() / 1000L);
        args[2] = ttlPadding;
        for (int i = 0; i < n; i++) {
            Limit limit = limits.get(i);
            keys[i] = key(subject, limit.id());
            args[3 + 2 * i] = Long.toString(limit.emissionIntervalMicros());
            args[4 + 2 * i] = Long.toString(limit.burst());
        }
        long start = System.nanoTime();
        CompletableFuture<List<Object>> reply = this.<List<Object>>evalsha(keys, args)
                .exceptionallyCompose(e -> isNoScript(e) ? reload(keys, args) : CompletableFuture.failedFuture(e))
                .orTimeout(timeoutNanos, TimeUnit.NANOSECONDS);
        return reply.handle((r, error) -> {
            long elapsed = System.nanoTime() - start;
            if (error == null) {
                try {
                    Decision d = toDecision(r, limits);
                    breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
                    if (breaker.getState() == CircuitBreaker.State.CLOSED) {
                        leaveDegraded();
                    }
                    return d;
                } catch (RuntimeException e) {
                    error = e;
                }
            }
            Throwable cause = unwrap(error);
            breaker.onError(elapsed, TimeUnit.NANOSECONDS, cause);
            return onFailure(subject, cost, limits, cause);
        });
    }

    @Override
    public void close() {
        local.close();
        if (closer != null) {
            closer.run();
            LOG.info("rate-limit store '{}' closed its Redis connection", name);
        }
    }

    @Override
    public String toString() {
        return "RedisStore[" + name + ", " + policy.configName() + (degraded() ? ", degraded]" : "]");
    }

    private <T> CompletableFuture<T> evalsha(String[] keys, String[] args) {
        return redis.<T>evalsha(GcraScript.SHA1, ScriptOutputType.MULTI, keys, args).toCompletableFuture();
    }

    private CompletableFuture<List<Object>> reload(String[] keys, String[] args) {
        LOG.info("rate-limit store '{}': script not cached in Redis, sending it again", name);
        return redis.<List<Object>>eval(GcraScript.SOURCE, ScriptOutputType.MULTI, keys, args).toCompletableFuture();
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
        try {
            listener.onStoreError(name, cause);
        } catch (RuntimeException e) {
            LOG.warn("rate-limit listener failed", e);
        }
        enterDegraded(reason);
        return policyDecision(subject, cost, limits);
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
