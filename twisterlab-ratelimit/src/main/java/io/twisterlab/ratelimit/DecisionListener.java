package io.twisterlab.ratelimit;

/**
 * Receives what a rate limiter and its store do, so that an application can export metrics without this module
 * depending on a metrics library. Methods are called on the deciding thread (or a Redis I/O thread for
 * asynchronous decisions): keep them fast and non-blocking. Exceptions thrown by a listener are logged and
 * ignored.
 *
 * <pre>{@code
 * DecisionListener metrics = new DecisionListener() {
 *     public void onDecision(String store, Decision d, long storeNanos) {
 *         decisions.labelValues(d.limitId(), d.outcome().label()).inc();
 *     }
 *     public void onStoreError(String store, Throwable error) {
 *         storeErrors.labelValues(store).inc();
 *     }
 *     public void onModeChange(String store, boolean degraded, String reason) {
 *         degradedGauge.set(degraded ? 1 : 0);
 *     }
 * };
 * }</pre>
 */
public interface DecisionListener {

    /**
     * One decision was returned by a {@link RateLimiter}.
     *
     * @param store      the store's {@link RateLimitStore#name()}
     * @param decision   the decision, after shadow mode
     * @param storeNanos how long the store took to decide
     */
    default void onDecision(String store, Decision decision, long storeNanos) {
    }

    /**
     * A store call failed (timeout, connection error, script error); a failure policy answered instead.
     *
     * @param store the store's name
     * @param error the failure
     */
    default void onStoreError(String store, Throwable error) {
    }

    /**
     * The store entered or left degraded mode.
     *
     * @param store    the store's name
     * @param degraded true when decisions are now made by the failure policy
     * @param reason   a short human-readable cause
     */
    default void onModeChange(String store, boolean degraded, String reason) {
    }

    /** @return a listener that ignores everything */
    static DecisionListener noop() {
        return NoopListener.INSTANCE;
    }
}

/** The shared no-op listener. */
final class NoopListener implements DecisionListener {
    static final NoopListener INSTANCE = new NoopListener();

    private NoopListener() {
    }
}
