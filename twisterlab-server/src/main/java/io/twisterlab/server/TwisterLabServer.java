package io.twisterlab.server;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.spi.ProviderContext;
import io.twisterlab.server.auth.Authenticator;
import io.twisterlab.server.auth.RolePolicy;
import io.twisterlab.server.http.HttpApp;
import io.twisterlab.server.mcp.McpEndpoint;
import io.twisterlab.server.mcp.McpJavalin;
import io.twisterlab.server.observe.Audit;
import io.twisterlab.server.observe.HealthChecks;
import io.twisterlab.server.observe.Metrics;
import io.twisterlab.server.plugins.AgentSources;
import io.twisterlab.server.plugins.PluginJars;
import io.twisterlab.server.ratelimit.RateLimiting;
import io.twisterlab.server.ratelimit.RequestLimiter;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TwisterLab HTTP server, startable in-process: build it from a {@link ServerConfig}, {@link #start()} it,
 * read its {@link #port()}, {@link #stop()} it. {@link Main} is the command-line front end.
 *
 * <pre>{@code
 * ServerConfig config = ServerConfig.fromSettings(Map.of(
 *         "server.port", "0",                                   // random free port
 *         "auth.api_keys", ServerConfig.apiKeyEntry("ci", Role.OPERATOR, key)));   // or none: one is generated
 * try (TwisterLabServer server = TwisterLabServer.builder(config)
 *         .agent(new EchoAgent())     // extra agents (tests); discovered agents are added unless disabled
 *         .build()
 *         .start()) {
 *     HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.baseUri().resolve("/health")).build(),
 *             HttpResponse.BodyHandlers.ofString());
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #stop()} stops accepting connections, lets in-flight requests finish for up to
 * {@code server.shutdown_timeout_ms}, then stops the agents and closes the rate-limit store.
 */
public final class TwisterLabServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TwisterLabServer.class);

    private final ServerConfig config;
    private final AgentRegistry registry;
    private final PluginJars plugins;
    private final Authenticator auth;
    private final Metrics metrics;
    private final RequestLimiter limiter;
    private final HealthChecks checks;
    private final Javalin app;
    private final Object lock = new Object();
    private boolean started;
    private boolean stopped;
    private volatile int port = -1;

    private TwisterLabServer(Builder b) {
        this.config = b.config; // valid by construction: e.g. auth is only ever disabled on a loopback address
        String version = version();
        this.metrics = new Metrics(version, revision());
        RolePolicy policy = new RolePolicy(config.accessOverrides());
        AgentRegistry.Builder rb = AgentRegistry.builder()
                .accessPolicy(policy)
                .listener(metrics)
                .listener(new Audit())
                .defaultTimeout(config.executionTimeout());
        b.agents.forEach(rb::register);
        this.plugins = b.discover ? PluginJars.open(config.pluginsDir(), TwisterLabServer.class.getClassLoader())
                : PluginJars.none();
        try {
            if (b.discover) {
                AgentSources.discover(ProviderContext.builder().config(config.agentConfig()).build(),
                        builtInLoader(), plugins).forEach(rb::register);
            }
            this.registry = rb.build();
        } catch (RuntimeException e) {
            plugins.close();
            throw e;
        }
        requireKnownAgents(config.readyRequires(), registry, plugins);
        this.checks = new HealthChecks(this::agentChecks, HealthChecks.DEFAULT_PERIOD, HealthChecks.DEFAULT_TIMEOUT,
                HealthChecks.Scheduler.daemon(), b.clock);
        metrics.trackHealthChecks(checks);
        this.auth = new Authenticator(config.auth(), b.clock);
        this.limiter = RateLimiting.create(config, metrics);
        HttpApp http = new HttpApp(config, registry, auth, metrics, limiter, checks, version, b.clock);
        List<Consumer<JavalinConfig>> customizers = new ArrayList<>();
        // MCP: same auth, rate limiting and metrics as /api (the gate on /mcp); tools/list asks the same policy
        McpEndpoint mcp = McpEndpoint.builder(registry).accessPolicy(policy).serverInfo("twisterlab", version)
                .allowedOrigins(config.corsOrigins())
                .maxRequestBytes((int) Math.min(Integer.MAX_VALUE, config.bodyLimitBytes()))
                .build();
        customizers.add(cfg -> McpJavalin.register(cfg, mcp, TwisterLabServer::principalOf));
        for (ServerExtension extension : b.extensions) {
            customizers.add(cfg -> extension.configure(cfg, registry));
        }
        this.app = http.create(customizers);
    }

    /** The class loader of the built-in providers: the context class loader, as core's discovery uses. */
    private static ClassLoader builtInLoader() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loader != null ? loader : TwisterLabServer.class.getClassLoader();
    }

    /** Agent names in {@code server.ready_requires} can only be checked once the registry is built: here. */
    private static void requireKnownAgents(ServerConfig.ReadyRequires requires, AgentRegistry registry,
                                           PluginJars plugins) {
        Set<String> known = registry.agents().stream().map(CoreAgent::name).collect(Collectors.toSet());
        for (String agent : requires.agents()) {
            if (!known.contains(agent)) {
                registry.close();
                plugins.close();
                throw new ConfigException("server.ready_requires", "invalid setting server.ready_requires "
                        + "(TWISTERLAB_READY_REQUIRES): no agent named '" + agent + "'; agents: "
                        + known.stream().sorted().toList());
            }
        }
    }

    /** Every agent's {@code health()} as a check named {@code agent:<name>}, in registration order. */
    private Map<String, Supplier<AgentHealth>> agentChecks() {
        Map<String, Supplier<AgentHealth>> out = new LinkedHashMap<>();
        for (CoreAgent agent : registry.agents()) {
            out.put("agent:" + agent.name(), agent::health);
        }
        return out;
    }

    /** A builder for a server with this configuration. */
    public static Builder builder(ServerConfig config) {
        return new Builder(config);
    }

    /** Builds and starts a server with discovered agents. */
    public static TwisterLabServer start(ServerConfig config) {
        return builder(config).build().start();
    }

    /**
     * Starts the agents, runs the first round of health checks (waiting at most their timeout,
     * {@link HealthChecks#DEFAULT_TIMEOUT}, so a dead dependency delays start-up by that much at most), then starts
     * the HTTP listener.
     *
     * @throws IllegalStateException if already started, or if the port cannot be bound
     */
    public TwisterLabServer start() {
        synchronized (lock) {
            if (started) {
                throw new IllegalStateException("server already started");
            }
            started = true;
        }
        registry.start();
        checks.start();
        try {
            app.start();
            port = app.port();
        } catch (RuntimeException e) {
            checks.close();
            registry.close();
            plugins.close();
            limiter.close();
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": "
                    + e.getMessage(), e);
        }
        LOG.info("TwisterLab {} listening on {} with {} agents, auth {}, rate limiting {}", version(), baseUri(),
                registry.agents().size(), auth.enabled() ? "enabled" : "DISABLED (loopback only)",
                !limiter.enabled() ? "disabled" : limiter.describe().get("store")
                        + (limiter.degraded() ? " (degraded: its failure policy decides until it recovers)" : ""));
        return this;
    }

    /** The bound port (the real one when configured with port 0); -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    /**
     * Every HTTP route registered on the app as {@code "METHOD path"} (Javalin's templates, e.g.
     * {@code POST /api/v1/agents/{agent}/capabilities/{capability}}): what the OpenAPI test compares its document with.
     */
    List<String> registeredRoutes() {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod())
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .toList();
    }

    /** {@code http://host:port} of the listener. */
    public URI baseUri() {
        String host = config.host();
        if (host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port());
    }

    public ServerConfig config() {
        return config;
    }

    /** The agents this server exposes. */
    public AgentRegistry registry() {
        return registry;
    }

    /**
     * The admin API key generated at start-up because no key or user was configured (memory only); empty when
     * keys are configured or auth is disabled.
     */
    public Optional<String> generatedAdminKey() {
        return auth.generatedKey();
    }

    /** The server's metrics registry (its own, not the global default). */
    public io.prometheus.metrics.model.registry.PrometheusRegistry metricsRegistry() {
        return metrics.registry();
    }

    /**
     * Gracefully stops: {@code /ready} turns 503 {@code draining} and the health checks stop, no new connections,
     * in-flight requests drain (bounded by
     * {@code server.shutdown_timeout_ms}), then agents stop and pools close. Idempotent.
     */
    public void stop() {
        synchronized (lock) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        LOG.info("stopping: draining in-flight requests");
        checks.close(); // /ready answers 503 draining from now on
        try {
            app.stop();
        } finally {
            try {
                registry.close();
                plugins.close();
            } finally {
                limiter.close();
            }
        }
        LOG.info("stopped");
    }

    /**
     * The authenticated caller of a request that passed the {@code /api} or {@code /mcp} gate, as an
     * {@link io.twisterlab.core.ExecutionContext} to execute capabilities with (principal, implied roles, request
     * id); empty on public routes.
     */
    public static Optional<io.twisterlab.core.ExecutionContext> principalOf(io.javalin.http.Context ctx) {
        return HttpApp.executionContext(ctx);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** The server version from the build, e.g. {@code 0.1.0-SNAPSHOT}. */
    public static String version() {
        return buildProperty("version.properties", "version");
    }

    /** The git commit the server was built from (read from {@code .git} at build time), or {@code unknown}. */
    public static String revision() {
        return buildProperty("revision.properties", "revision");
    }

    private static String buildProperty(String resource, String name) {
        try (InputStream in = TwisterLabServer.class.getResourceAsStream("/io/twisterlab/server/" + resource)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty(name);
                if (v != null && !v.isBlank() && !v.startsWith("${")) {
                    return v.strip();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    /** Builder for {@link TwisterLabServer}. */
    public static final class Builder {
        private final ServerConfig config;
        private final List<CoreAgent> agents = new ArrayList<>();
        private final List<ServerExtension> extensions = new ArrayList<>();
        private boolean discover = true;
        private Clock clock = Clock.systemUTC();

        private Builder(ServerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Adds an agent besides the discovered ones (tests, embedding). */
        public Builder agent(CoreAgent agent) {
            agents.add(Objects.requireNonNull(agent, "agent"));
            return this;
        }

        /**
         * Whether to discover agents with {@link java.util.ServiceLoader} on the class path and in the jars of
         * {@code server.plugins_dir} (default true).
         */
        public Builder discoverAgents(boolean discover) {
            this.discover = discover;
            return this;
        }

        /** The clock for tokens and uptime (tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Adds routes at configuration time, e.g. the MCP endpoint; see {@link ServerExtension}. */
        public Builder extension(ServerExtension extension) {
            this.extensions.add(Objects.requireNonNull(extension, "extension"));
            return this;
        }

        public TwisterLabServer build() {
            return new TwisterLabServer(this);
        }
    }
}
