package io.twisterlab.server.http;

import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.server.ServerConfig.Role;
import io.twisterlab.server.auth.Authenticator;
import io.twisterlab.server.auth.Principal;
import io.twisterlab.server.observe.AccessLog;
import io.twisterlab.server.observe.Metrics;
import io.twisterlab.server.ratelimit.RequestLimiter;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * What every request passes before its handler: a request id and security headers on all of them, 501 for invented
 * methods, and on {@code /api/**} and {@code /mcp} authentication and rate limiting; the public documentation routes
 * are rate-limited per client IP without a key. A denied request never reaches its handler. Its counterpart after the response: one access-log line and the HTTP metrics, per request.
 */
final class RequestGate {
    static final String ATTR_START = "tl.start";
    static final String ATTR_REQUEST_ID = "tl.requestId";
    static final String ATTR_PRINCIPAL = "tl.principal";
    static final String ATTR_CLIENT_IP = "tl.clientIp";
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Authenticator auth;
    private final RequestLimiter limiter;
    private final Metrics metrics;

    RequestGate(Authenticator auth, RequestLimiter limiter, Metrics metrics) {
        this.auth = auth;
        this.limiter = limiter;
        this.metrics = metrics;
    }

    /** Every request: start time, request id, security headers; an invented method gets 501 before routing. */
    void beforeAll(Context ctx) {
        ctx.attribute(ATTR_START, System.nanoTime());
        String requestId = ctx.header("X-Request-ID");
        if (requestId == null || !REQUEST_ID.matcher(requestId).matches()) {
            requestId = UUID.randomUUID().toString();
        }
        ctx.attribute(ATTR_REQUEST_ID, requestId);
        MDC.put("request_id", requestId);
        ctx.header("X-Request-ID", requestId);
        securityHeaders(ctx);
        if (!HttpMethods.isStandard(ctx.method().name())) {
            throw Problem.forStatus(501); // before routing: an invented method reaches no handler
        }
    }

    static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        ctx.header("Cache-Control", "no-store");
    }

    /** Auth and rate limiting for /api/** and /mcp: a denied request never reaches its handler. */
    void gate(Context ctx) {
        String path = ctx.path();
        String template = route(ctx); // the matched route, so trailing slashes cannot change the decision
        if (template.equals("/api/v1/system/health")) {
            return; // liveness alias: exempt like /health
        }
        if (template.equals(OpenApi.PATH)) {
            publicRoute(ctx);
            return;
        }
        String ip = clientIp(ctx);
        if (template.equals("/api/v1/auth/token")) {
            enforce(ctx, limiter.checkLogin(ip)); // brute-force limit before any password check
            return;
        }
        Authenticator.Result result = auth.authenticate(ctx.header("Authorization"), ctx.header("X-API-Key"));
        Principal principal = result instanceof Authenticator.Result.Valid v ? v.principal() : null;
        String subject = principal != null && !principal.method().equals("none")
                ? "principal:" + principal.name() : "ip:" + ip;
        enforce(ctx, limiter.check(subject, ctx.method().name(), path, principal == null ? null : principal.role()));
        if (principal == null) {
            throw Problem.unauthorized(result instanceof Authenticator.Result.Invalid
                    ? "Invalid credentials." : "Authentication required: send 'Authorization: Bearer <key>' or "
                    + "'X-API-Key: <key>'.");
        }
        ctx.attribute(ATTR_PRINCIPAL, principal);
        MDC.put("principal", principal.name());
    }

    /** A route anyone may read ({@code /docs}, the OpenAPI document): no key, limited per client IP. */
    void publicRoute(Context ctx) {
        enforce(ctx, limiter.check("ip:" + clientIp(ctx), ctx.method().name(), ctx.path(), null));
    }

    private String clientIp(Context ctx) {
        String ip = limiter.clientIp(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"),
                ctx.header("Forwarded"));
        ctx.attribute(ATTR_CLIENT_IP, ip);
        return ip;
    }

    private static void enforce(Context ctx, RequestLimiter.Verdict verdict) {
        verdict.headers().forEach(ctx::header);
        if (!verdict.allowed()) {
            throw Problem.tooManyRequests(verdict.problem(), verdict.headers());
        }
    }

    /** After every request: the access-log line and the HTTP metrics, whose labels come from closed sets. */
    void logRequest(Context ctx, Float millis) {
        try {
            Long start = ctx.attribute(ATTR_START);
            long nanos = start == null ? (long) (millis * 1e6) : System.nanoTime() - start;
            String route = route(ctx);
            int status = ctx.statusCode();
            metrics.observeHttp(HttpMethods.label(ctx.method().name()), route, status, nanos);
            Principal p = ctx.attribute(ATTR_PRINCIPAL);
            String ip = ctx.attribute(ATTR_CLIENT_IP);
            AccessLog.request(ctx.method().name(), ctx.path(), status, nanos, route,
                    ip == null ? ctx.req().getRemoteAddr() : ip, p == null ? "-" : p.name());
        } finally {
            MDC.clear();
        }
    }

    /** The caller of a gated request as an execution context. */
    static Optional<ExecutionContext> executionContext(Context ctx) {
        Principal p = ctx.attribute(ATTR_PRINCIPAL);
        return p == null ? Optional.empty() : Optional.of(executionContextOf(p, requestId(ctx)));
    }

    static ExecutionContext executionContextOf(Principal p, String requestId) {
        return ExecutionContext.of(p.name(), impliedRoles(p.role()), requestId);
    }

    @SuppressWarnings("EnumOrdinal") // Role's constants are declared in increasing privilege
    private static Set<String> impliedRoles(Role role) {
        Set<String> roles = new LinkedHashSet<>();
        for (Role r : Role.values()) {
            if (r.ordinal() <= role.ordinal()) {
                roles.add(r.id());
            }
        }
        return roles;
    }

    /** The caller of a gated request. */
    static Principal principal(Context ctx) {
        Principal p = ctx.attribute(ATTR_PRINCIPAL);
        if (p == null) {
            throw Problem.unauthorized("Authentication required.");
        }
        return p;
    }

    static String requestId(Context ctx) {
        String id = ctx.attribute(ATTR_REQUEST_ID);
        return id == null ? UUID.randomUUID().toString() : id;
    }

    /** The matched route template, or {@code unmatched}: a label from a closed set. */
    static String route(Context ctx) {
        try {
            Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
            if (endpoint != null) {
                return endpoint.path;
            }
        } catch (RuntimeException e) {
            // no endpoint matched
        }
        return "unmatched";
    }
}
