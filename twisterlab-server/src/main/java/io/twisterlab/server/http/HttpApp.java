package io.twisterlab.server.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.server.ServerConfig;
import io.twisterlab.server.auth.Authenticator;
import io.twisterlab.server.observe.HealthChecks;
import io.twisterlab.server.observe.Metrics;
import io.twisterlab.server.ratelimit.RequestLimiter;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.jspecify.annotations.Nullable;

/**
 * The Javalin application: Jetty, CORS and JSON set-up, the request gate and the route table. Routes live in
 * {@link AgentRoutes}, {@link SystemRoutes} and {@link LoginRoute}; failures become problems in
 * {@link ProblemResponses}.
 */
public final class HttpApp {
    private final ServerConfig config;
    private final Json json;
    private final RequestGate gate;
    private final AgentRoutes agents;
    private final SystemRoutes system;
    private final LoginRoute login;
    private final ProblemResponses problems;
    private final @Nullable DocsRoutes docs; // null when server.docs_enabled is false

    public HttpApp(ServerConfig config, AgentRegistry registry, Authenticator auth, Metrics metrics,
                   RequestLimiter limiter, HealthChecks checks, String version, Clock clock) {
        this.config = config;
        this.json = new Json(config.bodyLimitBytes());
        Bodies bodies = new Bodies(json, config.bodyLimitBytes());
        this.gate = new RequestGate(auth, limiter, metrics);
        this.agents = new AgentRoutes(registry, bodies, checks);
        this.system = new SystemRoutes(registry, auth, metrics, limiter,
                new Readiness(registry, checks, limiter, config.readyRequires()), bodies, version, clock,
                config.docsEnabled());
        this.login = new LoginRoute(auth, bodies);
        this.problems = new ProblemResponses(json);
        this.docs = config.docsEnabled() ? new DocsRoutes() : null;
    }

    /** The caller of a request that passed the gate, as an execution context; empty on public routes. */
    public static Optional<ExecutionContext> executionContext(Context ctx) {
        return RequestGate.executionContext(ctx);
    }

    /** Creates (does not start) the Javalin app; {@code customizers} may add routes (e.g. MCP). */
    public Javalin create(List<Consumer<JavalinConfig>> customizers) {
        return Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.jetty.host = config.host();
            cfg.jetty.port = config.port();
            cfg.http.maxRequestSize = config.bodyLimitBytes();
            cfg.http.prefer405over404 = true;
            cfg.http.defaultContentType = Bodies.JSON;
            // extensions (MCP) that use ctx.bodyAsClass / ctx.json get the same bounded mapper
            cfg.jsonMapper(new JavalinJackson(json.mapper(), false));
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(config.shutdownTimeout().toMillis());
                server.setHandler(new GracefulHandler());
                server.setErrorHandler(new ProblemErrorHandler(json));
            });
            cfg.jetty.modifyServletContextHandler(handler -> handler.setErrorHandler(new ProblemErrorHandler(json)));
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setSendServerVersion(false);
                http.setSendXPoweredBy(false);
            });
            if (!config.corsOrigins().isEmpty()) {
                cfg.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                    List<String> origins = config.corsOrigins();
                    rule.allowHost(origins.get(0), origins.subList(1, origins.size()).toArray(String[]::new));
                    rule.exposeHeader("RateLimit");
                    rule.exposeHeader("RateLimit-Policy");
                    rule.exposeHeader("Retry-After");
                    rule.exposeHeader("X-Request-ID");
                }));
            }
            cfg.requestLogger.http(gate::logRequest);
            cfg.router.javaLangErrorHandler(problems::onError);

            var routes = cfg.routes;
            routes.before(gate::beforeAll);
            routes.beforeMatched("/api/*", gate::gate);
            routes.beforeMatched("/mcp", gate::gate);
            routes.beforeMatched("/mcp/*", gate::gate);

            routes.get("/", system::root);
            routes.get("/health", system::health);
            routes.get("/ready", system::ready);
            routes.get("/metrics", system::metrics);
            routes.get("/api/v1/agents", agents::list);
            routes.get("/api/v1/agents/{agent}", agents::describe);
            routes.get("/api/v1/agents/{agent}/health", agents::health);
            routes.post("/api/v1/agents/{agent}/capabilities/{capability}", agents::execute);
            routes.get("/api/v1/system/status", system::status);
            routes.get("/api/v1/system/health", system::health);
            routes.post("/api/v1/auth/token", login::login);
            if (docs != null) { // described, not executed: public, rate-limited per client IP
                routes.beforeMatched(DocsRoutes.PAGE, gate::publicRoute);
                routes.beforeMatched("/docs/*", gate::publicRoute);
                routes.get(OpenApi.PATH, system::openApi);
                routes.get(DocsRoutes.PAGE, docs::page);
                routes.get(DocsRoutes.ASSET, docs::asset);
                for (String alias : DocsRoutes.ALIASES) {
                    routes.get(alias, DocsRoutes::redirect);
                }
            }

            customizers.forEach(c -> c.accept(cfg));

            routes.exception(Exception.class, problems::onException);
            for (int status = 400; status < 600; status++) {
                routes.error(status, "*", problems::onErrorStatus);
            }
        });
    }
}
