package io.twisterlab.server.http;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import io.twisterlab.core.AccessDeniedException;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.AgentNotFoundException;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.Capability;
import io.twisterlab.core.CapabilityNotFoundException;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.InvalidArgumentsException;
import io.twisterlab.core.RegistryHealth;
import io.twisterlab.core.TwisterLabException;
import io.twisterlab.server.ServerConfig.Role;
import io.twisterlab.server.ServerConfig;
import io.twisterlab.server.auth.Authenticator;
import io.twisterlab.server.auth.Principal;
import io.twisterlab.server.mcp.McpJavalin;
import io.twisterlab.server.observe.Audit;
import io.twisterlab.server.observe.Metrics;
import io.twisterlab.server.ratelimit.RequestLimiter;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import static net.logstash.logback.argument.StructuredArguments.kv;

/** Builds the Javalin application: filters, routes, problem responses, access log and metrics. */
public final class HttpApp {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApp.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("io.twisterlab.access");
    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String JSON = "application/json";

    static final String ATTR_START = "tl.start";
    static final String ATTR_REQUEST_ID = "tl.requestId";
    static final String ATTR_PRINCIPAL = "tl.principal";
    static final String ATTR_CLIENT_IP = "tl.clientIp";
    static final String ATTR_PROBLEM = "tl.problem";

    private final ServerConfig config;
    private final AgentRegistry registry;
    private final Authenticator auth;
    private final Metrics metrics;
    private final RequestLimiter limiter;
    private final Audit audit;
    private final Json json;
    private final String version;
    private final Clock clock;
    private final Instant startedAt;

    public HttpApp(ServerConfig config, AgentRegistry registry, Authenticator auth, Metrics metrics,
                   RequestLimiter limiter, Audit audit, String version, Clock clock) {
        this.config = config;
        this.registry = registry;
        this.auth = auth;
        this.metrics = metrics;
        this.limiter = limiter;
        this.audit = audit;
        this.json = new Json(config.bodyLimitBytes());
        this.version = version;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    public Json json() {
        return json;
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
            cfg.http.defaultContentType = JSON;
            // extensions (MCP) that use ctx.bodyAsClass / ctx.json get the same bounded mapper
            cfg.jsonMapper(new io.javalin.json.JavalinJackson(json.mapper(), false));
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
            cfg.requestLogger.http(this::logRequest);
            cfg.router.javaLangErrorHandler(this::onError);

            var routes = cfg.routes;
            routes.before(this::beforeAll);
            routes.beforeMatched("/api/*", this::gate);
            routes.beforeMatched("/mcp", this::gate);
            routes.beforeMatched("/mcp/*", this::gate);

            routes.get("/", this::root);
            routes.get("/health", this::health);
            routes.get("/ready", this::ready);
            routes.get("/metrics", this::metrics);
            routes.get("/api/v1/agents", this::listAgents);
            routes.get("/api/v1/agents/{agent}", this::describeAgent);
            routes.get("/api/v1/agents/{agent}/health", this::agentHealth);
            routes.post("/api/v1/agents/{agent}/capabilities/{capability}", this::execute);
            routes.get("/api/v1/system/status", this::systemStatus);
            routes.get("/api/v1/system/health", this::health);
            routes.post("/api/v1/auth/token", this::login);
            routes.get("/api/v1/openapi.json", this::openApi);

            customizers.forEach(c -> c.accept(cfg));

            routes.exception(Exception.class, this::onException);
            for (int status = 400; status < 600; status++) {
                routes.error(status, "*", this::onErrorStatus);
            }
        });
    }

    // ---- filters ------------------------------------------------------------------------------------------

    private void beforeAll(Context ctx) {
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

    private static void securityHeaders(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        ctx.header("Cache-Control", "no-store");
    }

    /** Auth and rate limiting for /api/** and /mcp: a denied request never reaches its handler. */
    private void gate(Context ctx) {
        String path = ctx.path();
        String template = route(ctx); // the matched route, so trailing slashes cannot change the decision
        if (template.equals("/api/v1/system/health")) {
            return; // liveness alias: exempt like /health
        }
        String ip = limiter.clientIp(ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-For"),
                ctx.header("Forwarded"));
        ctx.attribute(ATTR_CLIENT_IP, ip);
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

    private static void enforce(Context ctx, RequestLimiter.Verdict verdict) {
        verdict.headers().forEach(ctx::header);
        if (!verdict.allowed()) {
            throw Problem.tooManyRequests(verdict.problem(), verdict.headers());
        }
    }

    // ---- routes -------------------------------------------------------------------------------------------

    private void root(Context ctx) {
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
        ok(ctx, body);
    }

    private void health(Context ctx) {
        ok(ctx, Map.of("status", "ok"));
    }

    private void ready(Context ctx) {
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
        ok(ctx, Map.of("status", status, "checks", checks));
    }

    private void metrics(Context ctx) {
        Metrics.Scrape scrape = metrics.scrape(ctx.header("Accept"));
        ctx.status(200).contentType(scrape.contentType()).result(scrape.body());
    }

    private void listAgents(Context ctx) {
        List<Object> agents = new ArrayList<>();
        for (CoreAgent agent : registry.agents()) {
            agents.add(agentJson(agent));
        }
        ok(ctx, Map.of("agents", agents, "count", agents.size()));
    }

    private void describeAgent(Context ctx) {
        ok(ctx, agentJson(registry.get(ctx.pathParam("agent"))));
    }

    private void agentHealth(Context ctx) {
        CoreAgent agent = registry.get(ctx.pathParam("agent"));
        AgentHealth h = registry.health().agents().get(agent.name());
        if (h == null) {
            h = AgentHealth.unhealthy("no health reported");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent", agent.name());
        body.put("status", h.status().name().toLowerCase(Locale.ROOT));
        body.put("message", h.message());
        body.put("details", h.details());
        ok(ctx, body);
    }

    private void execute(Context ctx) {
        Principal principal = principal(ctx);
        Map<String, Object> args = readJsonObject(ctx);
        String requestId = requestId(ctx);
        String capability = ctx.pathParam("capability");
        ExecutionContext context = ExecutionContext.of(principal.name(), impliedRoles(principal.role()), requestId);
        audit.begin(requestId, capability, new ArrayList<>(args.keySet()));
        AgentResponse response;
        try {
            response = registry.execute(ctx.pathParam("agent"), capability, args, context);
        } finally {
            audit.end(requestId, capability);
        }
        ok(ctx, responseJson(response));
    }

    private void systemStatus(Context ctx) {
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
        ok(ctx, body);
    }

    private void login(Context ctx) {
        if (!auth.loginEnabled()) {
            throw Problem.notFound("login_disabled", "No users are configured (auth.users / TWISTERLAB_USERS); "
                    + "use an API key.");
        }
        String username;
        String password;
        String type = mediaType(ctx);
        if (type.equals("application/x-www-form-urlencoded")) {
            Map<String, String> form = parseForm(readBody(ctx));
            username = form.get("username");
            password = form.get("password");
        } else if (isJson(type)) {
            Map<String, Object> body = readJsonObject(ctx);
            username = body.get("username") instanceof String s ? s : null;
            password = body.get("password") instanceof String s ? s : null;
        } else {
            throw Problem.forStatus(415);
        }
        if (username == null || password == null || username.length() > 128 || password.length() > 1024) {
            throw Problem.badRequest("invalid_login_request", "Send username and password (JSON or form).");
        }
        var user = auth.checkPassword(username, password.toCharArray());
        if (user.isEmpty()) {
            LOG.info("login failed for a user name from {}", (String) ctx.attribute(ATTR_CLIENT_IP));
            throw Problem.unauthorized("Invalid username or password.");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", auth.issueToken(user.get()));
        body.put("token_type", "Bearer");
        body.put("expires_in", auth.tokenTtl().toSeconds());
        body.put("role", user.get().role().id());
        ok(ctx, body);
    }

    private void openApi(Context ctx) {
        ok(ctx, OpenApi.document(registry, version));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private static Set<String> impliedRoles(Role role) {
        Set<String> roles = new LinkedHashSet<>();
        for (Role r : Role.values()) {
            if (r.ordinal() <= role.ordinal()) {
                roles.add(r.id());
            }
        }
        return roles;
    }

    /** The caller of a gated request as an execution context. */
    public static Optional<ExecutionContext> executionContext(Context ctx) {
        Principal p = ctx.attribute(ATTR_PRINCIPAL);
        return p == null ? Optional.empty()
                : Optional.of(ExecutionContext.of(p.name(), impliedRoles(p.role()), requestId(ctx)));
    }

    private static Principal principal(Context ctx) {
        Principal p = ctx.attribute(ATTR_PRINCIPAL);
        if (p == null) {
            throw Problem.unauthorized("Authentication required.");
        }
        return p;
    }

    private static String requestId(Context ctx) {
        String id = ctx.attribute(ATTR_REQUEST_ID);
        return id == null ? UUID.randomUUID().toString() : id;
    }

    static Map<String, Object> agentJson(CoreAgent agent) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", agent.name());
        a.put("description", agent.description());
        a.put("version", agent.version());
        List<Object> caps = new ArrayList<>();
        for (Capability c : agent.capabilities()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("description", c.description());
            m.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
            m.put("input_schema", c.inputSchema());
            c.timeout().ifPresent(t -> m.put("timeout_ms", t.toMillis()));
            caps.add(m);
        }
        a.put("capabilities", caps);
        return a;
    }

    private static Map<String, Object> responseJson(AgentResponse r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", r.success());
        body.put("data", r.data());
        body.put("error", r.findError().<Object>map(e -> Map.of("code", e.code(), "message", e.message()))
                .orElse(null));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("agent", r.metadata().agent());
        meta.put("capability", r.metadata().capability());
        meta.put("duration_ms", r.metadata().duration().toNanos() / 1e6);
        meta.put("request_id", r.metadata().requestId());
        body.put("metadata", meta);
        return body;
    }

    private void ok(Context ctx, Object body) {
        ctx.status(200).contentType(JSON).result(json.write(body));
    }

    private static String mediaType(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type == null) {
            return "";
        }
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }

    private static boolean isJson(String mediaType) {
        return mediaType.equals(JSON) || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
    }

    /** Reads the body, refusing more than the configured limit (413) before reading it all. */
    private byte[] readBody(Context ctx) {
        long limit = config.bodyLimitBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw Problem.forStatus(413);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw Problem.forStatus(413);
            }
            return body;
        } catch (IOException e) {
            throw Problem.badRequest("unreadable_body", "The request body could not be read.");
        }
    }

    /** A JSON object body; an empty body is {@code {}}. Non-JSON content types get 415. */
    private Map<String, Object> readJsonObject(Context ctx) {
        String type = mediaType(ctx);
        boolean declaredEmpty = ctx.req().getContentLengthLong() == 0;
        if (!type.isEmpty() && !isJson(type)) {
            throw Problem.forStatus(415);
        }
        if (declaredEmpty) {
            return new LinkedHashMap<>();
        }
        byte[] body = readBody(ctx);
        if (body.length == 0) {
            return new LinkedHashMap<>();
        }
        if (type.isEmpty()) {
            throw Problem.forStatus(415);
        }
        try {
            return json.readObject(body);
        } catch (Json.BadJsonException e) {
            throw Problem.badRequest("invalid_json", e.getMessage());
        }
    }

    private static Map<String, String> parseForm(byte[] body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                form.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw Problem.badRequest("invalid_form", "The form body is not valid URL encoding.");
            }
        }
        return form;
    }

    // ---- errors -------------------------------------------------------------------------------------------

    private void onException(Exception e, Context ctx) {
        writeProblem(ctx, toProblem(e, ctx));
    }

    private void onErrorStatus(Context ctx) {
        // the MCP endpoint's error bodies (JSON-RPC errors, problem details) stay as they are
        if (ctx.attribute(ATTR_PROBLEM) == null && ctx.attribute(McpJavalin.RESPONSE_ATTRIBUTE) == null) {
            writeProblem(ctx, Problem.forStatus(ctx.statusCode()));
        }
    }

    private Problem toProblem(Exception e, Context ctx) {
        if (e instanceof Problem p) {
            return p;
        }
        if (e instanceof InvalidArgumentsException ia) {
            List<Object> violations = new ArrayList<>();
            ia.violations().forEach(v -> violations.add(Map.of("field", v.field(), "code", v.code(),
                    "message", v.message())));
            return new Problem(400, ia.code(), "Invalid Arguments", ia.getMessage(),
                    Map.of("violations", violations), Map.of());
        }
        if (e instanceof AgentNotFoundException || e instanceof CapabilityNotFoundException) {
            return Problem.notFound(((TwisterLabException) e).code(), e.getMessage());
        }
        if (e instanceof AccessDeniedException ad) {
            return new Problem(403, ad.code(), "Forbidden", ad.getMessage());
        }
        if (e instanceof TwisterLabException t) {
            return Problem.badRequest(t.code(), t.getMessage());
        }
        if (e instanceof HttpResponseException h) {
            return Problem.forStatus(h.getStatus());
        }
        // one line per failure (a hostile request repeated must not flood the log with stack traces)
        LOG.error("unhandled {} on {} {}", e.getClass().getName(), HttpMethods.label(ctx.method().name()), route(ctx));
        LOG.debug("unhandled exception", e);
        return Problem.forStatus(500);
    }

    /**
     * A {@link Error} (e.g. {@link StackOverflowError}) thrown while handling a request: one log line with the
     * request id, and a problem+json 500 without internals when the response is still open.
     */
    private void onError(HttpServletResponse res, Error error) {
        String requestId = res.getHeader("X-Request-ID");
        LOG.error("{} while handling request {}", error.getClass().getName(), requestId == null ? "-" : requestId);
        LOG.debug("error while handling a request", error);
        res.setStatus(500);
        if (res.isCommitted()) {
            return;
        }
        try {
            res.resetBuffer();
            res.setContentType(PROBLEM_JSON);
            res.getOutputStream().write(json.write(ProblemErrorHandler.body(500, null,
                    requestId == null ? UUID.randomUUID().toString() : requestId)));
        } catch (IOException | IllegalStateException e) {
            LOG.debug("cannot write the 500 problem", e); // the client is gone or the response was taken
        }
    }

    private void writeProblem(Context ctx, Problem problem) {
        ctx.attribute(ATTR_PROBLEM, Boolean.TRUE);
        securityHeaders(ctx);
        String requestId = ctx.attribute(ATTR_REQUEST_ID);
        if (requestId != null) {
            ctx.header("X-Request-ID", requestId);
        }
        problem.headers().forEach(ctx::header);
        ctx.status(problem.status()).contentType(PROBLEM_JSON)
                .result(json.write(problem.body(ctx.path(), requestId)));
    }

    // ---- access log and metrics ---------------------------------------------------------------------------

    private void logRequest(Context ctx, Float millis) {
        try {
            Long start = ctx.attribute(ATTR_START);
            long nanos = start == null ? (long) (millis * 1e6) : System.nanoTime() - start;
            String route = route(ctx);
            int status = ctx.statusCode();
            metrics.observeHttp(HttpMethods.label(ctx.method().name()), route, status, nanos);
            Principal p = ctx.attribute(ATTR_PRINCIPAL);
            String ip = ctx.attribute(ATTR_CLIENT_IP);
            ACCESS.info("{} {} {} {} {} {} {}", kv("method", ctx.method().name()), kv("path", ctx.path()),
                    kv("status", status), kv("duration_ms", Math.round(nanos / 1e4) / 100.0), kv("route", route),
                    kv("client", ip == null ? ctx.req().getRemoteAddr() : ip), kv("principal", p == null ? "-" : p.name()));
        } finally {
            MDC.clear();
        }
    }

    private static String route(Context ctx) {
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
