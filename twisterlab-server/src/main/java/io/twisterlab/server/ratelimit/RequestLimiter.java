package io.twisterlab.server.ratelimit;

import io.twisterlab.server.ServerConfig.Role;
import java.util.Map;
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
     * @param problem the 429 problem body when denied (from twisterlab-ratelimit), else empty
     */
    record Verdict(boolean allowed, Map<String, String> headers, Map<String, Object> problem) {
        public static final Verdict ALLOW = new Verdict(true, Map.of(), Map.of());

        public Verdict {
            headers = Map.copyOf(headers);
            problem = Map.copyOf(problem);
        }
    }

    /**
     * The client address: the peer, or with trusted proxies the first untrusted hop of {@code X-Forwarded-For}.
     *
     * @param peer          the TCP peer address
     * @param xForwardedFor the header or null
     * @param forwarded     the RFC 7239 header or null
     */
    String clientIp(String peer, @Nullable String xForwardedFor, @Nullable String forwarded);

    /** Decides a request to {@code /api/**} or {@code /mcp}. */
    Verdict check(String subject, String method, String path, @Nullable Role role);

    /** Decides a login attempt, per client IP, before any password check. */
    Verdict checkLogin(String clientIp);

    /** Whether {@code /api/**} and {@code /mcp} are limited. */
    boolean enabled();

    /** True while the store decides under its failure policy. */
    boolean degraded();

    /** Facts for {@code /api/v1/system/status} and {@code /ready}. */
    Map<String, Object> describe();

    @Override
    void close();
}
