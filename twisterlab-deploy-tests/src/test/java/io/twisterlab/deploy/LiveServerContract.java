package io.twisterlab.deploy;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.ParamType;
import io.twisterlab.core.spi.AgentProvider;
import io.twisterlab.core.spi.SettingKey;
import io.twisterlab.ratelimit.redis.RedisServerProcess;
import io.twisterlab.server.ServerConfig;
import io.twisterlab.server.Settings;
import io.twisterlab.server.TwisterLabServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;

/**
 * The server contract read from the REAL twisterlab-server:
 * <ul>
 *   <li>environment variables: the server's own settings table ({@link Settings#all()}) plus
 *       {@code TWISTERLAB_CONFIG}, which {@link ServerConfig#load} reads before the table;</li>
 *   <li>routes: {@code GET} on a server started in-process on a random port, configured exactly like a pod:
 *       the environment is the k8s ConfigMap {@code twisterlab-config} plus the two Secret values (Redis URL of a
 *       real redis-server, an API key hash), with only host/port overridden by flags — so the ConfigMap is also
 *       proven to be a valid server configuration;</li>
 *   <li>metrics: sample names of {@code /metrics} after a smoke run (health, ready, agents list, successful,
 *       failing and invalid executions, a 404), plus those of a second server whose Redis is killed mid-run so
 *       that the rate-limit store errors and degraded mode are really exported.</li>
 * </ul>
 * One instance per test JVM; stopped by a shutdown hook.
 */
final class LiveServerContract implements ServerContract {

    private static LiveServerContract instance;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiKey = "smoke-" + UUID.randomUUID();
    private final RedisServerProcess redis;
    private final TwisterLabServer server;
    private final Set<String> metricSampleNames;
    private final Map<String, Integer> statuses = new HashMap<>();

    static synchronized LiveServerContract get() {
        if (instance == null) {
            instance = new LiveServerContract();
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "live-server-contract-stop"));
        }
        return instance;
    }

    private LiveServerContract() {
        redis = RedisServerProcess.start();
        server = startLikeAPod(redis);
        Set<String> names = new LinkedHashSet<>(Exposition.sampleNames(smokeRun(server)));
        names.addAll(Exposition.sampleNames(degradedRun()));
        metricSampleNames = Set.copyOf(names);
    }

    @Override
    public String source() {
        return "the live twisterlab-server (configured from the k8s ConfigMap, after a smoke run)";
    }

    @Override
    public Set<String> environmentVariables() {
        Set<String> names = new HashSet<>();
        Settings.all().stream().map(Settings.Setting::env).filter(Objects::nonNull).forEach(names::add);
        names.add("TWISTERLAB_CONFIG");   // read by ServerConfig.load before the table: the YAML file
        // agents.<name>.<key>: the keys the agent providers on the server's class path declare
        for (AgentProvider provider : ServiceLoader.load(AgentProvider.class)) {
            for (SettingKey key : provider.settingKeys()) {
                Settings.agentEnv(key.agent(), key.key()).ifPresent(names::add);
            }
        }
        return names;
    }

    @Override
    public synchronized int getStatus(String path) {
        return statuses.computeIfAbsent(path, p -> send(server, "GET", p, null, false).statusCode());
    }

    @Override
    public Set<String> metricSampleNames() {
        return metricSampleNames;
    }

    /** Settings as a pod gets them: ConfigMap + Secret values as environment, host/port by flag. */
    private TwisterLabServer startLikeAPod(RedisServerProcess redisServer) {
        Map<String, String> env = new HashMap<>(Manifests.base().configMap().getData());
        env.put("TWISTERLAB_REDIS_URL", redisServer.uri() + "/0");
        env.put("TWISTERLAB_API_KEYS", ServerConfig.apiKeyEntry("smoke", ServerConfig.Role.ADMIN, apiKey));
        ServerConfig config = ServerConfig.load(null, env, Map.of("server.host", "127.0.0.1", "server.port", "0"));
        return TwisterLabServer.builder(config).discoverAgents(false).agent(new SmokeAgent()).build().start();
    }

    private String smokeRun(TwisterLabServer s) {
        for (String path : new String[] {"/", "/health", "/ready", "/metrics", "/no-such-route"}) {
            send(s, "GET", path, null, false);
        }
        send(s, "GET", "/api/v1/agents", null, true);
        send(s, "GET", "/api/v1/agents", null, false);                                          // 401
        send(s, "POST", "/api/v1/agents/smoke/capabilities/ping", "{\"text\":\"hi\"}", true);    // success
        send(s, "POST", "/api/v1/agents/smoke/capabilities/fail", "{}", true);                   // domain failure
        send(s, "POST", "/api/v1/agents/smoke/capabilities/ping", "{\"nope\":1}", true);         // 400
        return scrape(s);
    }

    /** A second server whose Redis dies: store errors, degraded mode, local fallback decisions. */
    private String degradedRun() {
        RedisServerProcess doomed = RedisServerProcess.start();
        try (TwisterLabServer s = startLikeAPod(doomed)) {
            send(s, "GET", "/api/v1/agents", null, true);
            doomed.stop();
            for (int i = 0; i < 5; i++) {
                send(s, "GET", "/api/v1/agents", null, true);
            }
            return scrape(s);
        }
    }

    private String scrape(TwisterLabServer s) {
        HttpResponse<String> metrics = send(s, "GET", "/metrics", null, false);
        if (metrics.statusCode() != 200) {
            throw new AssertionError("GET /metrics: " + metrics.statusCode() + " " + metrics.body());
        }
        return metrics.body();
    }

    private HttpResponse<String> send(TwisterLabServer s, String method, String path, String json, boolean auth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.baseUri() + path)).timeout(Duration.ofSeconds(20));
        if (auth) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        if (json == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void close() {
        server.stop();
        redis.stop();
    }

    /** A tiny agent so that the smoke run executes capabilities without depending on the built-in agents. */
    static final class SmokeAgent extends AbstractCoreAgent {
        SmokeAgent() {
            super("smoke", "Deployment smoke-test agent", "1.0.0");
            query("ping", "Answers pong").param("text", ParamType.STRING, "anything")
                    .handler(inv -> Map.of("pong", true));
            query("fail", "Always fails with a domain error")
                    .handler(inv -> AgentResponse.failure("smoke_failure", "this capability always fails"));
        }
    }
}
