package io.twisterlab.ratelimit.http;

import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.Limit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * HTTP response header values for a {@link Decision}, framework-neutral.
 *
 * <ul>
 *   <li>{@code RateLimit-Policy: "<id>";q=<quota>;w=<window seconds>} and
 *       {@code RateLimit: "<id>";r=<remaining>;t=<seconds>}, IETF httpapi structured fields. {@code q}/{@code w} are
 *       the limit's permits and period; a period that is not a whole number of seconds is expressed per second
 *       ({@code 10/100ms} → {@code q=100;w=1}, rounded down). {@code t} is the retry-after of a denied request and
 *       otherwise the time until the bucket is full, in whole seconds rounded up.</li>
 *   <li>{@code Retry-After}: whole seconds, rounded <b>up</b>, so that a client that waits exactly that long is not
 *       denied again for the same cost if it is alone. Absent for allowed decisions (including shadow ones) and for
 *       a cost that can never conform.</li>
 *   <li>Optional legacy {@code X-RateLimit-Limit} (burst), {@code X-RateLimit-Remaining}, {@code X-RateLimit-Reset}
 *       (delta seconds, like {@code t}).</li>
 * </ul>
 *
 * <pre>{@code
 * RateLimitHeaders.of(decision, false).forEach(ctx::header);
 * if (!decision.allowed()) {
 *     ctx.status(429).contentType(TooManyRequestsProblem.CONTENT_TYPE).result(TooManyRequestsProblem.json(decision));
 * }
 * }</pre>
 */
public final class RateLimitHeaders {

    /** {@code RateLimit-Policy}. */
    public static final String POLICY = "RateLimit-Policy";
    /** {@code RateLimit}. */
    public static final String RATE_LIMIT = "RateLimit";
    /** {@code Retry-After}. */
    public static final String RETRY_AFTER = "Retry-After";

    private static final long SECOND = 1_000_000_000L;

    private RateLimitHeaders() {
    }

    /**
     * @param d a decision
     * @return the {@code RateLimit-Policy} value
     */
    public static String policy(Decision d) {
        Limit l = d.limit();
        long periodNanos = l.period().toNanos();
        long quota;
        long window;
        if (periodNanos % SECOND == 0) {
            quota = l.permits();
            window = periodNanos / SECOND;
        } else {
            quota = Math.max(1L, (long) Math.floor((double) l.permits() * SECOND / periodNanos));
            window = 1;
        }
        return "\"" + l.id() + "\";q=" + quota + ";w=" + window;
    }

    /**
     * @param d a decision
     * @return the {@code RateLimit} value
     */
    public static String rateLimit(Decision d) {
        return "\"" + d.limitId() + "\";r=" + d.remaining() + ";t=" + resetSeconds(d);
    }

    /**
     * @param d a decision
     * @return the {@code Retry-After} value in whole seconds, rounded up, when the request was denied and can conform
     */
    public static Optional<String> retryAfter(Decision d) {
        if (d.allowed() || !d.satisfiable()) {
            return Optional.empty();
        }
        return Optional.of(Long.toString(ceilSeconds(d.retryAfterNanos())));
    }

    /**
     * @param d      a decision
     * @param legacy also emit {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset}
     * @return the header names and values, in a stable order, unmodifiable
     */
    public static Map<String, String> of(Decision d, boolean legacy) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(POLICY, policy(d));
        headers.put(RATE_LIMIT, rateLimit(d));
        retryAfter(d).ifPresent(v -> headers.put(RETRY_AFTER, v));
        if (legacy) {
            headers.put("X-RateLimit-Limit", Long.toString(d.quota()));
            headers.put("X-RateLimit-Remaining", Long.toString(d.remaining()));
            headers.put("X-RateLimit-Reset", Long.toString(resetSeconds(d)));
        }
        return Collections.unmodifiableMap(headers);
    }

    static long resetSeconds(Decision d) {
        boolean waiting = !d.allowed() && d.satisfiable();
        return ceilSeconds(waiting ? d.retryAfterNanos() : d.resetAfterNanos());
    }

    static long ceilSeconds(long nanos) {
        return nanos / SECOND + (nanos % SECOND == 0 ? 0 : 1);
    }
}
