package io.twisterlab.server.http;

import io.javalin.http.Context;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.RegistryHealth;
import io.twisterlab.server.auth.Authenticator;
import io.twisterlab.server.observe.Metrics;
import io.twisterlab.server.ratelimit.RequestLimiter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
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

    SystemRoutes(AgentRegistry registry, Authenticator auth, Metrics metrics, RequestLimiter limiter, Bodies bodies,
                 String version, Clock clock) {
        this.registry = registry;
        this.auth = auth;
        this.metrics = metrics;
        this.limiter = limiter;
        this.bodies = bodies;
        this.version = version;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    void root(Context ctx) {
        Map<String, Object> links = new LinkedHashMap<>();
        links.put("health", "/health");
        links.put("ready", "/ready");
        links.put("metrics", "/metrics");
        links.put("agents", "/api/v1/agents");
        links.put("status", "/api/v1/system/status");
        links.put("openapi", "/api/v1/openapi.json");
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

    void ready(Context ctx) {
        Map<String, Object> checks = new LinkedHashMap<>();
        boolean ready = registry.isStarted();
        checks.put("registry", Map.of("status", ready ? "up" : "down"));
        RegistryHealth health = registry.health();
        for (Map.Entry<String, AgentHealth> e : health.agents().entrySet()) {
            AgentHealth h = e.getValue();
            checks.put("agent:" + e.getKey(), Map.of("status", h.status().name().toLowerCase(Locale.ROOT),
                    "message", h.message()));
            ready &= h.status() != HealthStatus.UNHEALTHY;
        }
        if (limiter.enabled()) {
            checks.put("ratelimit", limiter.describe());
        }
        String status = !ready ? "not_ready" : limiter.degraded() ? "degraded" : "ready";
        if (!ready) {
            throw new Problem(503, "not_ready", "Service Unavailable", "A dependency is not available.",
                    Map.of("checks", checks), Map.of());
        }
        bodies.ok(ctx, Map.of("status", status, "checks", checks));
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
        RegistryHealth health = registry.health();
        Map<String, Object> agents = new LinkedHashMap<>();
        agents.put("count", registry.agents().size());
        agents.put("status", health.status().name().toLowerCase(Locale.ROOT));
        Map<String, Object> each = new LinkedHashMap<>();
        health.agents().forEach((name, h) -> each.put(name, h.status().name().toLowerCase(Locale.ROOT)));
        agents.put("agents", each);
        body.put("agents", agents);
        body.put("rate_limit", limiter.describe());
        body.put("auth", Map.of("enabled", auth.enabled(), "login", auth.loginEnabled()));
        bodies.ok(ctx, body);
    }

    void openApi(Context ctx) {
        bodies.ok(ctx, OpenApi.document(registry, version));
    }
}
