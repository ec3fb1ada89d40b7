package io.twisterlab.server;

import static io.twisterlab.server.Fixture.OPERATOR;
import static io.twisterlab.server.Fixture.VIEWER;
import static io.twisterlab.server.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server on embedded defaults with the four built-in agents discovered through ServiceLoader. */
class BuiltInAgentsIT {
    @TempDir
    static Path dir;
    static TwisterLabServer server;
    static Fixture client;

    @BeforeAll
    static void start() throws Exception {
        Path yaml = dir.resolve("overrides.yaml");
        // let viewers use Maestro's command runner: the commands it runs are still checked as the viewer
        Files.writeString(yaml, """
                access:
                  overrides:
                    - agent: maestro
                      capability: execute_command
                      roles: [viewer, operator]
                """);
        Map<String, String> settings = new HashMap<>();
        settings.put("server.port", "0");
        settings.put("config.file", yaml.toString());
        settings.put("ratelimit.default", "100000/1s");
        settings.put("database.url", "jdbc:h2:mem:builtin-it;DB_CLOSE_DELAY=-1");
        settings.put("auth.api_keys", ServerConfig.apiKeyEntry("viewer", ServerConfig.Role.VIEWER, VIEWER)
                + "," + ServerConfig.apiKeyEntry("operator", ServerConfig.Role.OPERATOR, OPERATOR));
        server = TwisterLabServer.builder(ServerConfig.fromSettings(settings)).build().start();
        client = new Fixture(Map.of());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop();
    }

    private HttpResponse<String> execute(String key, String agent, String capability, String body) {
        return client.send(java.net.http.HttpRequest.newBuilder(server.baseUri()
                        .resolve("/api/v1/agents/" + agent + "/capabilities/" + capability))
                .header("Content-Type", "application/json").header("X-API-Key", key)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
    }

    @Test
    void allFourAgentsAreServedAndReady() {
        assertThat(server.registry().agents()).extracting(a -> a.name())
                .contains("monitoring", "database", "cache", "maestro");
        HttpResponse<String> ready = client.send(java.net.http.HttpRequest.newBuilder(server.baseUri()
                .resolve("/ready")).build());
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(json(ready).path("checks").path("agent:database").path("status").asText()).isEqualTo("healthy");
        HttpResponse<String> jvm = execute(VIEWER, "Monitoring_Agent", "get_jvm_metrics", "{}");
        assertThat(jvm.statusCode()).isEqualTo(200);
        assertThat(json(jvm).path("success").asBoolean()).isTrue();
    }

    @Test
    void viewerIsDeniedAnActionDirectlyAndThroughMaestro() {
        HttpResponse<String> direct = execute(VIEWER, "cache", "cache_set", "{\"key\":\"k\",\"value\":\"v\"}");
        assertThat(direct.statusCode()).isEqualTo(403);

        HttpResponse<String> viaMaestro = execute(VIEWER, "maestro", "execute_command",
                "{\"command\":\"@cache.cache_set(key=\\\"k\\\", value=\\\"v\\\")\"}");
        // either the nested denial surfaces as 403, or Maestro reports it as a forbidden failure: never a write
        if (viaMaestro.statusCode() == 200) {
            JsonNode body = json(viaMaestro);
            assertThat(body.path("success").asBoolean()).isFalse();
            assertThat(body.path("error").path("code").asText()).isEqualTo("forbidden");
        } else {
            assertThat(viaMaestro.statusCode()).isEqualTo(403);
        }
        HttpResponse<String> get = execute(VIEWER, "cache", "cache_get", "{\"key\":\"k\"}");
        assertThat(json(get).path("data").path("found").asBoolean()).isFalse();

        // a query through Maestro is fine for the viewer, and the operator may write
        assertThat(json(execute(VIEWER, "maestro", "execute_command",
                "{\"command\":\"@cache.cache_get(key=\\\"k\\\")\"}")).path("success").asBoolean()).isTrue();
        assertThat(json(execute(OPERATOR, "maestro", "execute_command",
                "{\"command\":\"@cache.cache_set(key=\\\"k\\\", value=\\\"v\\\")\"}")).path("success").asBoolean())
                .isTrue();
        assertThat(json(execute(VIEWER, "cache", "cache_get", "{\"key\":\"k\"}")).path("data").path("found")
                .asBoolean()).isTrue();
    }

    @Test
    void withoutTheOverrideMaestrosCommandRunnerIsAnActionViewersCannotCall() {
        Map<String, String> settings = Map.of("server.port", "0",
                "auth.api_keys", ServerConfig.apiKeyEntry("viewer", ServerConfig.Role.VIEWER, VIEWER));
        try (TwisterLabServer plain = TwisterLabServer.builder(ServerConfig.fromSettings(settings)).build().start()) {
            HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(plain.baseUri()
                            .resolve("/api/v1/agents/maestro/capabilities/execute_command"))
                    .header("Content-Type", "application/json").header("X-API-Key", VIEWER)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"command\":\"@cache.cache_get(key=\\\"k\\\")\"}")).build());
            ServerRoutesIT.assertProblem(r, 403, "forbidden");
        }
    }
}
