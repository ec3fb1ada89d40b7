package io.twisterlab.ratelimit;

import io.twisterlab.ratelimit.internal.Requests;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rate-limiting facade: validates requests, asks the {@link RateLimitStore}, applies shadow mode and
 * reports every decision to a {@link DecisionListener}. Thread-safe; share one instance.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.builder(RateLimitStore.inMemory())
 *         .listener(metrics)
 *         .build();
 * List<Limit> limits = Limit.parseAll("10/1s,1000/1h");
 * Decision d = limiter.decide(clientIp, 1, limits);          // all-or-nothing over both limits
 * limiter.decideAsync(clientIp, 1, limits).thenAccept(...);  // non-blocking with a remote store
 * }</pre>
 *
 * <p>Shadow mode ({@link Builder#shadow(boolean)}) decides normally but allows every request; a denial is
 * reported as {@link Decision.Outcome#SHADOW_DENIED}. For shadow mode per rule, use a second facade over the same
 * store: {@code limiter.withShadow(true)}.
 */
public final class RateLimiter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RateLimiter.class);

    private final RateLimitStore store;
    private final DecisionListener listener;
    private final boolean shadow;

    private RateLimiter(RateLimitStore store, DecisionListener listener, boolean shadow) {
        this.store = store;
        this.listener = listener;
        this.shadow = shadow;
    }

    /**
     * @param store the store; closed by {@link #close()}
     * @return a limiter without listener, not in shadow mode
     */
    public static RateLimiter of(RateLimitStore store) {
        return builder(store).build();
    }

    /**
     * @param store the store; closed by {@link #close()}
     * @return a builder
     */
    public static Builder builder(RateLimitStore store) {
        return new Builder(store);
    }

    /**
     * Decides one request against one limit; allocation-free apart from the returned decision when the store is.
     *
     * @param subject who is limited, non-empty
     * @param cost    permits requested, 0 to peek
     * @param limit   the limit
     * @return the decision (allowed in shadow mode)
     */
    public Decision decide(String subject, long cost, Limit limit) {
        Requests.check(subject, cost, limit);
        long start = System.nanoTime();
        Decision d = store.decide(subject, cost, limit);
        return report(d, System.nanoTime() - start);
    }

    /**
     * Decides one request against several limits, all-or-nothing.
     *
     * @param subject who is limited, non-empty
     * @param cost    permits requested in each limit, 0 to peek
     * @param limits  the limits, distinct ids
     * @return the most restrictive decision
     */
    public Decision decide(String subject, long cost, Limit... limits) {
        return decide(subject, cost, Arrays.asList(limits));
    }

    /**
     * Decides one request against several limits, all-or-nothing.
     *
     * @param subject who is limited, non-empty
     * @param cost    permits requested in each limit, 0 to peek
     * @param limits  the limits, non-empty, distinct ids
     * @return the most restrictive decision
     */
    public Decision decide(String subject, long cost, List<Limit> limits) {
        Requests.check(subject, cost, limits);
        long start = System.nanoTime();
        Decision d = limits.size() == 1 ? store.decide(subject, cost, limits.get(0))
                : store.decide(subject, cost, limits);
        return report(d, System.nanoTime() - start);
    }

    /**
     * Asynchronous form of {@link #decide(String, long, List)}.
     *
     * @param subject who is limited, non-empty
     * @param cost    permits requested in each limit, 0 to peek
     * @param limits  the limits, distinct ids
     * @return the most restrictive decision
     */
    public CompletionStage<Decision> decideAsync(String subject, long cost, Limit... limits) {
        return decideAsync(subject, cost, Arrays.asList(limits));
    }

    /**
     * Asynchronous form of {@link #decide(String, long, List)}: never blocks the caller with a remote store.
     *
     * @param subject who is limited, non-empty
     * @param cost    permits requested in each limit, 0 to peek
     * @param limits  the limits, non-empty, distinct ids
     * @return the most restrictive decision; completed exceptionally with {@link IllegalArgumentException} for an
     *         invalid request
     */
    public CompletionStage<Decision> decideAsync(String subject, long cost, List<Limit> limits) {
        try {
            Requests.check(subject, cost, limits);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        long start = System.nanoTime();
        return store.decideAsync(subject, cost, List.copyOf(limits))
                .thenApply(d -> report(d, System.nanoTime() - start));
    }

    /** @return true while the store decides under its failure policy (for a readiness probe) */
    public boolean degraded() {
        return store.degraded();
    }

    /** @return whether this facade is in shadow mode */
    public boolean shadow() {
        return shadow;
    }

    /** @return the store */
    public RateLimitStore store() {
        return store;
    }

    /**
     * A facade over the same store and listener with shadow mode set as given; closing either closes the store.
     *
     * @param shadow the shadow mode of the new facade
     * @return the facade
     */
    public RateLimiter withShadow(boolean shadow) {
        return new RateLimiter(store, listener, shadow);
    }

    /** Closes the store. */
    @Override
    public void close() {
        store.close();
    }

    private Decision report(Decision decision, long storeNanos) {
        Decision d = shadow ? decision.asShadow() : decision;
        try {
            listener.onDecision(store.name(), d, storeNanos);
        } catch (RuntimeException e) {
            LOG.warn("rate-limit decision listener failed", e);
        }
        return d;
    }

    /** Builds a {@link RateLimiter}. */
    public static final class Builder {
        private final RateLimitStore store;
        private DecisionListener listener = DecisionListener.noop();
        private boolean shadow;

        private Builder(RateLimitStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * @param listener receives every decision (give the same listener to a remote store's builder to also
         *                 receive its errors and mode changes)
         * @return this builder
         */
        public Builder listener(DecisionListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * @param shadow decide but never deny
         * @return this builder
         */
        public Builder shadow(boolean shadow) {
            this.shadow = shadow;
            return this;
        }

        /** @return the limiter */
        public RateLimiter build() {
            return new RateLimiter(store, listener, shadow);
        }
    }
}
