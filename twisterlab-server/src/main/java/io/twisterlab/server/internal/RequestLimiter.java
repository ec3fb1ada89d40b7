package io.twisterlab.server.internal;

import io.twisterlab.server.ServerConfig.Role;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The server's view of rate limiting: client-IP resolution and one decision per limited request. The HTTP layer
 * calls it before any handler; a denied verdict becomes a 429 and the handler never runs.
 */
public interface RequestLimiter extends AutoCloseable {

    /**
     * What to do with a request.
     *
     * @param allowed whether it may proceed
     * @param headers {@code RateLimit-Policy}, {@code RateLimit} and, when denied, {@code Retry-After}
     * @param detail  the 429 detail when denied
     */
    record Verdict(boolean allowed, Map<String, String> headers, String detail) {
        public static final Verdict ALLOW = new Verdict(true, Map.of(), "");

        public Verdict {
            headers = Map.copyOf(headers);
        }
    }

    /**
     * The client address: the peer, or with trusted proxies the first untrusted hop of
     * {@code X-Forwarded-For}/{@code Forwarded}.
     *
     * @param peer    the TCP peer address
     * @param headers request header lookup (null when absent)
     */
    String clientIp(String peer, UnaryOperator<@Nullable String> headers);

    /** Decides a request to {@code /api/**} or {@code /mcp}. */
    Verdict check(String subject, String method, String path, @Nullable Role role);

    /** Decides a login attempt, per client IP, before any password check. */
    Verdict checkLogin(String clientIp);

    boolean enabled();

    /** True while the store decides under its failure policy. */
    boolean degraded();

    /** Facts for {@code /api/v1/system/status} and {@code /ready}. */
    Map<String, Object> describe();

    @Override
    void close();
}
