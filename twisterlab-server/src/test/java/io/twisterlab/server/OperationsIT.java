package io.twisterlab.server;

import static io.twisterlab.server.Fixture.VIEWER;
import static io.twisterlab.server.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.testing.EchoAgent;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Readiness with a failing dependency, CORS, and the audit trail. */
class OperationsIT {
    static final class BrokenDatabaseAgent extends AbstractCoreAgent {
        BrokenDatabaseAgent() {
            super("database", "A database that is down", "1.0.0");
            query("ping", "Pings").handler(inv -> Map.of());
        }

        @Override
        public AgentHealth health() {
            return AgentHealth.unhealthy("connection refused");
        }
    }

    @Test
    void readyIsDegradedWithTheFailingCheckWhileHealthStays200() {
        try (Fixture f = new Fixture(new EchoAgent(), new BrokenDatabaseAgent())) {
            HttpResponse<String> ready = f.get("/ready");
            // an agent's dependency is optional unless server.ready_requires names it: in service, degraded
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(json(ready).path("status").asText()).isEqualTo("degraded");
            assertThat(json(ready).path("failing")).extracting(JsonNode::asText).containsExactly("agent:database");
            assertThat(json(ready).path("checks").path("agent:database").path("status").asText())
                    .isEqualTo("unhealthy");
            assertThat(json(ready).path("checks").path("agent:database").path("message").asText())
                    .isEqualTo("connection refused");
            assertThat(json(ready).path("checks").path("agent:echo").path("status").asText()).isEqualTo("healthy");
            assertThat(f.get("/health").statusCode()).isEqualTo(200);
            assertThat(json(f.get("/api/v1/agents/database/health", "X-API-Key", VIEWER)).path("status").asText())
                    .isEqualTo("unhealthy");
        }
        try (Fixture f = new Fixture(Map.of("server.ready_requires", "agent:database"), new EchoAgent(),
                new BrokenDatabaseAgent())) {
            HttpResponse<String> ready = f.get("/ready");
            ServerRoutesIT.assertProblem(ready, 503, "not_ready");
            assertThat(json(ready).path("reason").asText()).isEqualTo("required_check_failing");
        }
    }

    @Test
    void corsIsOffByDefaultAndAllowsOnlyConfiguredOrigins() {
        try (Fixture off = new Fixture()) {
            HttpResponse<String> r = off.get("/api/v1/agents", "Origin", "https://evil.example", "X-API-Key", VIEWER);
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
        try (Fixture on = new Fixture(Map.of("server.cors_origins", "https://app.example"))) {
            HttpResponse<String> allowed = on.get("/api/v1/agents", "Origin", "https://app.example",
                    "X-API-Key", VIEWER);
            assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
            HttpResponse<String> other = on.get("/api/v1/agents", "Origin", "https://evil.example",
                    "X-API-Key", VIEWER);
            assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            HttpResponse<String> preflight = on.send(HttpRequest.newBuilder(on.uri("/api/v1/agents"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://app.example")
                    .header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "authorization").build());
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://app.example");
        }
    }
}
