package io.twisterlab.ratelimit;

/**
 * A store could not decide (backend unreachable, timeout, unexpected reply). Remote stores normally answer
 * such failures with their {@link FailurePolicy} and report the error to the {@link DecisionListener}; this
 * exception reaches callers only from stores built without a policy.
 *
 * <pre>{@code
 * try {
 *     store.decide(subject, 1, limit);
 * } catch (RateLimitStoreException e) {
 *     log.warn("rate limit store down", e);
 * }
 * }</pre>
 */
public class RateLimitStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed
     * @param cause   the underlying failure
     */
    public RateLimitStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message what failed
     */
    public RateLimitStoreException(String message) {
        super(message);
    }
}
