package io.twisterlab.agents.cache;

/**
 * A {@link CacheBackend} could not do what was asked. {@link #unavailable()} distinguishes an unreachable or
 * failing store (reported as {@code backend_unavailable}) from a refused command (reported as
 * {@code backend_error}). Never used for "not found".
 *
 * <pre>{@code
 * try { backend.get(key); } catch (CacheBackendException e) { if (e.unavailable()) { retryLater(); } }
 * }</pre>
 */
public class CacheBackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean unavailable;

    public CacheBackendException(String message, boolean unavailable, Throwable cause) {
        super(message, cause);
        this.unavailable = unavailable;
    }

    /** True when the store could not be reached or did not answer in time. */
    public boolean unavailable() {
        return unavailable;
    }
}
