package io.twisterlab.server.http;

import io.javalin.http.Context;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.server.auth.Authenticator;
import io.twisterlab.server.observe.Metrics;
import io.twisterlab.server.ratelimit.RequestLimiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The service's own routes: {@code /}, liveness, readiness, metrics, {@code /api/v1/system/status}, OpenAPI. */
final class SystemRoutes {
    private final AgentRegistry registry;
    private final Authenticator auth;
    private final Metrics metrics;
    private final RequestLimiter limiter;
    private final Bodies bodies;
    private final String version;
    private final Clock clock;
    private final Instant startedAt;
    private final Readiness readiness;
    private final boolean docsEnabled;

    SystemRoutes(AgentRegistry registry, Authenticator auth, Metrics metrics, RequestLimiter limiter,
                 Readiness readiness, Bodies bodies, String version, Clock clock, boolean docsEnabled) {
        this.registry = registry;
        this.auth = auth;
        this.metrics = metrics;
        this.limiter = limiter;
        this.bodies = bodies;
        this.version = version;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.readiness = readiness;
        this.docsEnabled = docsEnabled;
    }

    void root(Context ctx) {
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("health", "/health");
        links.put("ready", "/ready");
        links.put("metrics", "/metrics");
        links.put("agents", "/api/v1/agents");
        links.put("status", "/api/v1/system/status");
        if (docsEnabled) {
            links.put("docs", DocsRoutes.PAGE);
            links.put("openapi", OpenApi.PATH);
        }
        links.put("token", "/api/v1/auth/token");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "TwisterLab");
        body.put("version", version);
        body.put("links", links);
        bodies.ok(ctx, body);
    }

    void health(Context ctx) {
        bodies.ok(ctx, Map.of("status", "ok"));
    }

    /** Reads the last results of the background checks: never waits for a dependency. */
    void ready(Context ctx) {
        Readiness.Report report = readiness.evaluate();
        Map<String, Object> body = new LinkedHashMap<>();
        // a problem's "status" is the HTTP status (RFC 9457): there, the state is the "reason"
        body.put(report.ready() ? "status" : "reason", report.status());
        body.put("failing", report.failing());
        body.put("checks", report.checks());
        if (!report.ready()) {
            throw new Problem(503, "not_ready", "Service Unavailable", switch (report.status()) {
                case "starting" -> "The server is starting.";
                case "draining" -> "The server is shutting down.";
                default -> "A check that server.ready_requires names is failing: " + report.failing() + ".";
            }, body, Map.of());
        }
        bodies.ok(ctx, body);
    }

    void metrics(Context ctx) {
        Metrics.Scrape scrape = metrics.scrape(ctx.header("Accept"));
        ctx.status(200).contentType(scrape.contentType()).result(scrape.body());
    }

    void status(Context ctx) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "TwisterLab");
        body.put("version", version);
        body.put("started_at", startedAt.toString());
        body.put("uptime_seconds", Duration.between(startedAt, clock.instant()).toSeconds());
        Readiness.Report report = readiness.evaluate();
        body.put("readiness", report.status());
        Map<String, Object> agents = new LinkedHashMap<>();
        agents.put("count", registry.agents().size());
        Map<String, Object> each = new LinkedHashMap<>();
        report.checks().forEach((name, check) -> {
            if (name.startsWith("agent:") && check instanceof Map<?, ?> m) {
                each.put(name.substring("agent:".length()), m.get("status"));
            }
        });
        agents.put("status", worst(each.values()));
        agents.put("agents", each);
        body.put("agents", agents);
        body.put("checks", report.checks());
        body.put("rate_limit", limiter.describe());
        body.put("auth", Map.of("enabled", auth.enabled(), "login", auth.loginEnabled()));
        bodies.ok(ctx, body);
    }

    /** The worst agent state from the last checks: unhealthy, starting, degraded, healthy. */
    private static String worst(Collection<Object> states) {
        for (String s : new String[] {"unhealthy", "starting", "degraded"}) {
            if (states.contains(s)) {
                return s;
            }
        }
        return "healthy";
    }

    void openApi(Context ctx) {
        bodies.ok(ctx, OpenApi.document(registry, version, docsEnabled));
    }
}
