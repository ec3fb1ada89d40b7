package io.twisterlab.ratelimit.redis;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.IllegalStateTransitionException;
import io.twisterlab.ratelimit.CoarseTicker;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.DecisionListener;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.Ticker;
import io.twisterlab.ratelimit.memory.MemoryStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a remote store does when its backend fails: a circuit breaker around every call, the {@link FailurePolicy}
 * that answers instead (for {@link FailurePolicy#LOCAL_FALLBACK}, an in-memory store at a share of each limit), and
 * the degraded flag, whose transitions are logged and reported to the listener with every error. Nothing here
 * knows Redis: the store asks {@link #tryAcquirePermission()} before a call and reports how it went.
 */
final class FailureHandling {

    private static final Logger LOG = LoggerFactory.getLogger(FailureHandling.class);

    private final String name;
    private final String backend;
    private final FailurePolicy policy;
    private final double localShare;
    private final MemoryStore local;
    /** The local fallback's clock (checked against each limit if it is a {@link CoarseTicker}). */
    private final Ticker localTicker;
    private final long failClosedRetryNanos;
    private final long timeoutMillis;
    private final DecisionListener listener;
    private final CircuitBreaker breaker;
    private final AtomicBoolean degraded = new AtomicBoolean();
    private final ConcurrentHashMap<Limit, Limit> scaled = new ConcurrentHashMap<>();

    /**
     * @param name           the store's name, for logs, the listener and the circuit breaker
     * @param backend        what the store calls, for logs ({@code Redis})
     * @param policy         what answers while the backend fails
     * @param localShare     the share of each limit the local fallback enforces
     * @param localMaxKeys   the local fallback's cap on keys
     * @param localTicker    the local fallback's clock
     * @param failClosedRetryAfter the retry-after of fail-closed denials
     * @param timeout        the bound on one call, for the reason reported after a timeout
     * @param listener       receives errors and mode changes
     * @param breakerConfig  the circuit breaker's configuration
     */
    FailureHandling(String name, String backend, FailurePolicy policy, double localShare, int localMaxKeys,
                    Ticker localTicker, Duration failClosedRetryAfter, Duration timeout, DecisionListener listener,
                    CircuitBreakerConfig breakerConfig) {
        this.name = name;
        this.backend = backend;
        this.policy = policy;
        this.localShare = localShare;
        this.local = MemoryStore.builder().name(name + "-local").maxKeys(localMaxKeys).ticker(localTicker).build();
        this.localTicker = localTicker;
        this.failClosedRetryNanos = failClosedRetryAfter.toNanos();
        this.timeoutMillis = timeout.toMillis();
        this.listener = listener;
        this.breaker = CircuitBreaker.of(name, breakerConfig);
        this.breaker.getEventPublisher().onStateTransition(e ->
                LOG.warn("rate-limit store '{}': circuit breaker {}", name, e.getStateTransition()));
    }

    FailurePolicy policy() {
        return policy;
    }

    CircuitBreaker circuitBreaker() {
        return breaker;
    }

    boolean degraded() {
        return degraded.get();
    }

    int localTrackedKeys() {
        return local.trackedKeys();
    }

    /**
     * Rejects a limit the local fallback could not enforce, on its first use rather than in the middle of an
     * outage.
     */
    void checkFallbackLimit(Limit limit) {
        if (localTicker instanceof CoarseTicker coarse) {
            coarse.check(limit.scaled(localShare));
        }
    }

    /** @return whether the breaker lets a call through; if not, the store is degraded and {@link #decide} answers */
    boolean tryAcquirePermission() {
        if (breaker.tryAcquirePermission()) {
            return true;
        }
        enterDegraded("circuit breaker " + breaker.getState());
        return false;
    }

    /** @return {@code decision}, the backend's, recorded as a success */
    Decision succeeded(Decision decision, long elapsedNanos) {
        breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
        if (breaker.getState() == CircuitBreaker.State.CLOSED) {
            leaveDegraded();
        }
        return decision;
    }

    /** @return the policy's decision after a failed call, recorded as an error */
    Decision failed(String subject, long cost, List<Limit> limits, Throwable error, long elapsedNanos) {
        Throwable cause = cause(error);
        breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS, cause);
        return abandoned(subject, cost, limits, cause);
    }

    /** @return the policy's decision for a call that was not made to the end (the caller was interrupted) */
    Decision abandoned(String subject, long cost, List<Limit> limits, Throwable cause) {
        String reason = cause instanceof TimeoutException
                ? (cause.getMessage() != null ? cause.getMessage() : "timeout after " + timeoutMillis + " ms")
                : String.valueOf(cause.getMessage());
        LOG.debug("rate-limit store '{}' failed: {}", name, reason, cause);
        notifyError(cause);
        enterDegraded(reason);
        return decide(subject, cost, limits);
    }

    /** The backend cannot be reached at start-up: degraded, as after a mid-run outage, with the breaker open. */
    void unreachableAtStartUp(Throwable failure) {
        LOG.debug("rate-limit store '{}' cannot connect to {} at start-up", name, backend, failure);
        notifyError(failure);
        breaker.transitionToOpenState();
        enterDegraded(backend + " unreachable at start-up: " + failure.getMessage());
    }

    /**
     * A connection attempt that outlived the start-up bound has connected (a starved JVM, not an unreachable
     * backend): the breaker lets its probes through now instead of at the end of its open state.
     */
    void connectedAfterStartUp() {
        if (breaker.getState() == CircuitBreaker.State.OPEN) {
            try {
                breaker.transitionToHalfOpenState();
            } catch (IllegalStateTransitionException e) {
                LOG.debug("rate-limit store '{}': breaker moved on meanwhile ({})", name, e.getMessage());
            }
        }
    }

    /** @return the policy's decision, flagged degraded */
    Decision decide(String subject, long cost, List<Limit> limits) {
        Limit first = limits.get(0);
        return switch (policy) {
            case FAIL_OPEN -> new Decision(true, first, Math.max(0, first.burst() - cost), 0, 0, true, false);
            case FAIL_CLOSED -> cost == 0
                    ? new Decision(true, first, 0, 0, failClosedRetryNanos, true, false)
                    : new Decision(false, first, 0, failClosedRetryNanos, failClosedRetryNanos, true, false);
            case LOCAL_FALLBACK -> local.decide(subject, cost, localLimits(limits)).asDegraded();
        };
    }

    void close() {
        local.close();
    }

    /** @return the failure inside {@link CompletionException}s and {@link ExecutionException}s */
    static Throwable cause(Throwable e) {
        Throwable c = e;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
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
            LOG.info("rate-limit store '{}' recovered: decisions come from {} again", name, backend);
            modeChange(false, backend.toLowerCase(Locale.ROOT) + " answered");
        }
    }

    private void notifyError(Throwable cause) {
        try {
            listener.onStoreError(name, cause);
        } catch (RuntimeException e) {
            LOG.warn("rate-limit listener failed", e);
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
