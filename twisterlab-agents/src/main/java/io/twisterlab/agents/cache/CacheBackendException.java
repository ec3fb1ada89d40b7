package io.twisterlab.agents.cache;

import java.util.Objects;

/**
 * A {@link CacheBackend} could not do what was asked, and {@link #reason() why}: the store is unreachable or failing
 * (reported as {@code backend_unavailable}), it refused the command ({@code backend_error}), or it refused the
 * credentials ({@code backend_auth_failed}). Never used for "not found". Messages never contain credentials.
 *
 * <pre>{@code
 * try { backend.get(key); } catch (CacheBackendException e) { if (e.unavailable()) { retryLater(); } }
 * }</pre>
 */
public class CacheBackendException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Why a backend call failed.
     *
     * <pre>{@code
     * if (e.reason() == CacheBackendException.Reason.AUTHENTICATION) { fixTheUrl(); }
     * }</pre>
     */
    public enum Reason {
        /** The store could not be reached or did not answer in time. */
        UNAVAILABLE,
        /** The store answered and refused the command. */
        REFUSED,
        /** The store refused the credentials: a wrong password, or none where one is required. */
        AUTHENTICATION
    }

    private final Reason reason;

    public CacheBackendException(String message, boolean unavailable, Throwable cause) {
        this(message, unavailable ? Reason.UNAVAILABLE : Reason.REFUSED, cause);
    }

    public CacheBackendException(String message, Reason reason, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** True when the store could not be reached or did not answer in time. */
    public boolean unavailable() {
        return reason == Reason.UNAVAILABLE;
    }

    /** Why the call failed. */
    public Reason reason() {
        return reason;
    }
}
