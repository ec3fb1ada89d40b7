package io.twisterlab.server;

import static io.twisterlab.server.Fixture.OPERATOR;
import static io.twisterlab.server.Fixture.VIEWER;
import static io.twisterlab.server.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.testing.EchoAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@code /ready} with dependencies down, the built-in agents discovered with the defaults users get: an optional
 * dependency degrades the instance (200) and never delays the answer; only what {@code server.ready_requires} names
 * makes it unready. The agent health route reads the same results.
 */
class ReadinessIT {
    /** The contract: Kubernetes' probe timeout is 2 s, and /ready never waits for a dependency. */
    private static final Duration READY_BOUND = Duration.ofSeconds(1);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TwisterLabServer start(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        settings.put("server.port", "0");
        settings.put("auth.api_keys", ServerConfig.apiKeyEntry("viewer", ServerConfig.Role.VIEWER, VIEWER)
                + "," + ServerConfig.apiKeyEntry("operator", ServerConfig.Role.OPERATOR, OPERATOR));
        settings.putAll(extra);
        return TwisterLabServer.builder(ServerConfig.fromSettings(settings)).build().start();
    }

    private HttpResponse<String> send(TwisterLabServer server, String method, String path, String body) {
        // a route that waits for a dependency fails the test at this timeout instead of hanging it
        HttpRequest.Builder b = HttpRequest.newBuilder(server.baseUri().resolve(path)).header("X-API-Key", OPERATOR)
                .timeout(Duration.ofSeconds(10));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            return client.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** GET /ready, asserting the request's own duration stays within the bound. */
    private HttpResponse<String> ready(TwisterLabServer server) {
        return boundedGet(server, "/ready");
    }

    /** GET {@code path}, asserting the request's own duration stays within the bound. */
    private HttpResponse<String> boundedGet(TwisterLabServer server, String path) {
        long start = System.nanoTime();
        HttpResponse<String> r = send(server, "GET", path, null);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("%s answered in %s", path, took).isLessThan(READY_BOUND);
        return r;
    }

    /** The agent's health route: 200 within the bound, its last background result with an age. */
    private JsonNode agentHealth(TwisterLabServer server, String agent) {
        HttpResponse<String> r = boundedGet(server, "/api/v1/agents/" + agent + "/health");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("agent").asText()).isEqualTo(agent);
        assertThat(body.path("age_seconds").isNumber()).as(r.body()).isTrue();
        return body;
    }

    private void otherAgentsAnswer(TwisterLabServer server) {
        HttpResponse<String> jvm = send(server, "POST", "/api/v1/agents/monitoring/capabilities/get_jvm_metrics", "{}");
        assertThat(json(jvm).path("success").asBoolean()).as(jvm.body()).isTrue();
        HttpResponse<String> set = send(server, "POST", "/api/v1/agents/cache/capabilities/cache_set",
                "{\"key\":\"k\",\"value\":42}");
        assertThat(json(set).path("success").asBoolean()).as(set.body()).isTrue();
        HttpResponse<String> get = send(server, "POST", "/api/v1/agents/cache/capabilities/cache_get",
                "{\"key\":\"k\"}");
        assertThat(json(get).path("data").path("value").asInt()).as(get.body()).isEqualTo(42);
    }

    @Test
    void anUnreachableDatabaseDegradesTheInstanceWithinOneSecondAndTheOtherAgentsAnswer() {
        try (TwisterLabServer server = start(Map.of("database.url",
                "jdbc:postgresql://127.0.0.1:" + closedPort() + "/x"))) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> r = ready(server);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonNode body = json(r);
                assertThat(body.path("status").asText()).isEqualTo("degraded");
                assertThat(body.path("failing")).extracting(JsonNode::asText).containsExactly("agent:database");
                JsonNode db = body.path("checks").path("agent:database");
                assertThat(db.path("status").asText()).isEqualTo("unhealthy");
                assertThat(db.path("required").asBoolean()).isFalse();
                assertThat(db.path("age_seconds").isNumber()).isTrue();
                assertThat(body.path("checks").path("agent:monitoring").path("status").asText()).isEqualTo("healthy");
                assertThat(agentHealth(server, "database").path("status").asText()).isEqualTo("unhealthy");
            }
            otherAgentsAnswer(server);

            JsonNode status = json(send(server, "GET", "/api/v1/system/status", null));
            assertThat(status.path("readiness").asText()).isEqualTo("degraded");
            assertThat(status.path("agents").path("agents").path("database").asText()).isEqualTo("unhealthy");
            assertThat(status.path("checks").path("agent:database").path("age_seconds").isNumber()).isTrue();
            String metrics = send(server, "GET", "/metrics", null).body();
            assertThat(metrics).contains("twisterlab_health_check_status{check=\"agent:database\"} 0",
                    "twisterlab_health_check_status{check=\"agent:cache\"} 1",
                    "twisterlab_health_check_age_seconds{check=\"agent:database\"}");
        }
    }

    @Test
    void anUnreachableLlmDegradesMaestroWithinOneSecondAndTheOtherAgentsAnswer() {
        try (TwisterLabServer server = start(Map.of("llm.url", "http://127.0.0.1:" + closedPort()))) {
            HttpResponse<String> r = ready(server);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = json(r);
            assertThat(body.path("status").asText()).isEqualTo("degraded");
            assertThat(body.path("failing")).extracting(JsonNode::asText).containsExactly("agent:maestro");
            assertThat(body.path("checks").path("agent:maestro").path("status").asText()).isEqualTo("degraded");
            assertThat(body.path("checks").path("agent:maestro").path("message").asText())
                    .contains("not reachable");
            JsonNode maestro = agentHealth(server, "maestro");
            assertThat(maestro.path("status").asText()).isEqualTo("degraded");
            assertThat(maestro.path("message").asText()).contains("not reachable");
            otherAgentsAnswer(server);
        }
    }

    /** An agent whose health check hangs until released, counting how often it was called. */
    static final class HangingHealthAgent extends AbstractCoreAgent {
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);

        HangingHealthAgent() {
            super("hanging", "A dependency that never answers", "1.0.0");
            query("ping", "Pings").handler(inv -> Map.of());
        }

        @Override
        public AgentHealth health() {
            calls.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return AgentHealth.healthy("released");
        }
    }

    @Test
    void theAgentHealthRouteAnswersTheLastBackgroundResultAndNeverRunsTheCheckItself() {
        HangingHealthAgent hanging = new HangingHealthAgent();
        TwisterLabServer server = TwisterLabServer.builder(ServerConfig.fromSettings(Map.of("server.port", "0",
                "auth.api_keys", ServerConfig.apiKeyEntry("operator", ServerConfig.Role.OPERATOR, OPERATOR))))
                .discoverAgents(false).agent(hanging).agent(new EchoAgent()).build().start();
        try (server) {
            // start() waited for the first round: the hanging check was recorded as timed out
            for (int i = 0; i < 20; i++) {
                JsonNode body = agentHealth(server, "hanging");
                assertThat(body.path("status").asText()).isEqualTo("unhealthy");
                assertThat(body.path("message").asText()).isEqualTo("no answer within 2000 ms");
                assertThat(agentHealth(server, "echo").path("status").asText()).isEqualTo("healthy");
            }
            // the first background run still hangs and is not started again; no request ran the check
            assertThat(hanging.calls.get()).isEqualTo(1);
            assertThat(ready(server).statusCode()).isEqualTo(200);
        } finally {
            hanging.release.countDown();
        }
    }

    @Test
    void aRequiredAgentCheckThatFailsMakesTheInstanceUnready() {
        try (TwisterLabServer server = start(Map.of("database.url",
                "jdbc:postgresql://127.0.0.1:" + closedPort() + "/x", "server.ready_requires", "agent:database"))) {
            HttpResponse<String> r = ready(server);
            ServerRoutesIT.assertProblem(r, 503, "not_ready");
            JsonNode body = json(r);
            assertThat(body.path("reason").asText()).isEqualTo("required_check_failing");
            assertThat(body.path("checks").path("agent:database").path("required").asBoolean()).isTrue();
            assertThat(body.path("checks").path("agent:database").path("status").asText()).isEqualTo("unhealthy");
            assertThat(send(server, "GET", "/health", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aRequiredRateLimitStoreThatIsDownMakesTheInstanceUnready() {
        try (Fixture f = new Fixture(Map.of("ratelimit.store", "redis",
                "redis.url", "redis://127.0.0.1:" + closedPort(), "server.ready_requires", "ratelimit"),
                new EchoAgent())) {
            HttpResponse<String> r = f.get("/ready");
            ServerRoutesIT.assertProblem(r, 503, "not_ready");
            assertThat(json(r).path("reason").asText()).isEqualTo("required_check_failing");
            assertThat(json(r).path("failing")).extracting(JsonNode::asText).containsExactly("ratelimit");
            assertThat(json(r).path("checks").path("ratelimit").path("mode").asText()).isEqualTo("degraded");
        }
        try (Fixture f = new Fixture(Map.of("ratelimit.store", "redis",
                "redis.url", "redis://127.0.0.1:" + closedPort()), new EchoAgent())) {
            HttpResponse<String> r = f.get("/ready");
            assertThat(r.statusCode()).as("not required: degraded, still in service").isEqualTo(200);
            assertThat(json(r).path("status").asText()).isEqualTo("degraded");
        }
    }

    @Test
    void aRequiredAgentThatIsNotRegisteredIsRefusedWhenTheServerIsBuilt() {
        ServerConfig config = ServerConfig.fromSettings(Map.of("server.port", "0",
                "server.ready_requires", "agent:nosuch"));
        assertThatThrownBy(() -> TwisterLabServer.builder(config).discoverAgents(false)
                .agent(new EchoAgent()).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("TWISTERLAB_READY_REQUIRES").hasMessageContaining("nosuch")
                .hasMessageContaining("echo");
    }
}
