package io.twisterlab.server;

import static io.twisterlab.server.Fixture.ADMIN;
import static io.twisterlab.server.Fixture.OPERATOR;
import static io.twisterlab.server.Fixture.VIEWER;
import static io.twisterlab.server.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.twisterlab.core.testing.EchoAgent;
import io.twisterlab.core.testing.RelayAgent;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ServerRoutesIT {
    static Fixture f;

    @BeforeAll
    static void start() {
        f = new Fixture(Map.of("server.body_limit", "2048"), new EchoAgent(),
                new RelayAgent());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    static void assertProblem(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode body = json(r);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("code").asText()).isEqualTo(code);
        assertThat(body.path("type").asText()).isEqualTo("urn:twisterlab:problem:" + code.replace('_', '-'));
        assertThat(body.path("title").asText()).isNotBlank();
        assertThat(body.path("detail").asText()).isNotBlank();
        assertThat(body.path("request_id").asText()).isEqualTo(r.headers().firstValue("X-Request-ID").orElseThrow());
        assertThat(r.body()).doesNotContain("Exception", "at io.", "<html", "Jetty", "javalin");
    }

    @Test
    void rootNamesVersionAndLinks() {
        HttpResponse<String> r = f.get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("name").asText()).isEqualTo("TwisterLab");
        assertThat(json(r).path("version").asText()).isEqualTo(TwisterLabServer.version()).isNotEqualTo("unknown");
        assertThat(json(r).path("links").path("agents").asText()).isEqualTo("/api/v1/agents");
    }

    @Test
    void healthAndItsAliasNeedNoAuth() {
        for (String path : new String[] {"/health", "/api/v1/system/health", "/api/v1/system/health/"}) {
            HttpResponse<String> r = f.get(path);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(json(r).path("status").asText()).isEqualTo("ok");
        }
    }

    @Test
    void readyReportsChecks() {
        HttpResponse<String> r = f.get("/ready");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("status").asText()).isEqualTo("ready");
        assertThat(json(r).path("checks").path("registry").path("status").asText()).isEqualTo("up");
        assertThat(json(r).path("checks").path("agent:echo").path("status").asText()).isEqualTo("healthy");
    }

    @Test
    void securityHeadersAndRequestIdOnEveryResponse() {
        for (HttpResponse<String> r : java.util.List.of(f.get("/health"), f.get("/nope"), f.get("/api/v1/agents"))) {
            assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(r.headers().firstValue("X-Request-ID")).isPresent();
            assertThat(r.headers().firstValue("Server")).isEmpty();
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void saneRequestIdIsEchoedInsaneOneReplaced() {
        HttpResponse<String> sane = f.get("/nope", "X-Request-ID", "abc-123.X_y");
        assertThat(sane.headers().firstValue("X-Request-ID")).hasValue("abc-123.X_y");
        assertThat(json(sane).path("request_id").asText()).isEqualTo("abc-123.X_y");
        HttpResponse<String> insane = f.get("/nope", "X-Request-ID", "<script>" + "x".repeat(100));
        assertThat(insane.headers().firstValue("X-Request-ID").orElseThrow()).matches("[0-9a-f-]{36}");
    }

    @Test
    void listsAgentsWithCapabilitiesKindsAndSchemas() {
        HttpResponse<String> r = f.get("/api/v1/agents", "X-API-Key", VIEWER);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode agents = json(r).path("agents");
        assertThat(agents.size()).isEqualTo(2);
        JsonNode echo = agents.get(0);
        assertThat(echo.path("name").asText()).isEqualTo("echo");
        JsonNode cap = echo.path("capabilities").get(0);
        assertThat(cap.path("name").asText()).isEqualTo("echo");
        assertThat(cap.path("kind").asText()).isEqualTo("query");
        assertThat(cap.path("input_schema").path("type").asText()).isEqualTo("object");
        assertThat(cap.path("input_schema").path("required").get(0).asText()).isEqualTo("text");
        JsonNode reset = echo.path("capabilities").findParents("name").stream()
                .filter(c -> c.path("name").asText().equals("reset")).findFirst().orElseThrow();
        assertThat(reset.path("kind").asText()).isEqualTo("action");
    }

    @Test
    void describesAgentByAliasAndReportsHealth() {
        HttpResponse<String> r = f.get("/api/v1/agents/Echo_Agent", "X-API-Key", VIEWER);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("name").asText()).isEqualTo("echo");
        HttpResponse<String> h = f.get("/api/v1/agents/echo/health", "X-API-Key", VIEWER);
        assertThat(h.statusCode()).isEqualTo(200);
        assertThat(json(h).path("status").asText()).isEqualTo("healthy");
        assertProblem(f.get("/api/v1/agents/nope", "X-API-Key", VIEWER), 404, "agent_not_found");
        assertProblem(f.get("/api/v1/agents/nope/health", "X-API-Key", VIEWER), 404, "agent_not_found");
    }

    @Test
    void executesCapability() {
        HttpResponse<String> r = f.execute(VIEWER, "echo", "echo", "{\"text\":\"hi\",\"times\":2}");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("success").asBoolean()).isTrue();
        assertThat(body.path("data").path("text").asText()).isEqualTo("hihi");
        assertThat(body.path("error").isNull()).isTrue();
        assertThat(body.path("metadata").path("agent").asText()).isEqualTo("echo");
        assertThat(body.path("metadata").path("request_id").asText())
                .isEqualTo(r.headers().firstValue("X-Request-ID").orElseThrow());
    }

    @Test
    void domainFailureIs200WithSuccessFalse() {
        HttpResponse<String> r = f.execute(OPERATOR, "echo", "fail", "");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("success").asBoolean()).isFalse();
        assertThat(json(r).path("error").path("code").asText()).isEqualTo("nope");
    }

    @Test
    void handlerBugIsSanitised() {
        HttpResponse<String> r = f.execute(OPERATOR, "echo", "explode", "{}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("error").path("code").asText()).isEqualTo("internal_error");
        assertThat(r.body()).doesNotContain("secret", "IllegalStateException", "db://");
    }

    @Test
    void invalidArgumentsListEveryViolation() {
        HttpResponse<String> r = f.execute(VIEWER, "echo", "echo", "{\"times\":\"5\",\"extra\":1}");
        assertProblem(r, 400, "invalid_arguments");
        JsonNode violations = json(r).path("violations");
        assertThat(violations.size()).isEqualTo(3);
        assertThat(violations.findValuesAsText("field")).containsExactlyInAnyOrder("text", "times", "extra");
        assertThat(violations.findValuesAsText("code")).contains("missing", "type", "unknown");
    }

    @Test
    void unknownCapabilityAndAgentAre404() {
        assertProblem(f.execute(VIEWER, "echo", "nope", "{}"), 404, "capability_not_found");
        assertProblem(f.execute(VIEWER, "nope", "echo", "{}"), 404, "agent_not_found");
    }

    @Test
    void malformedJsonIs400() {
        HttpResponse<String> r = f.execute(VIEWER, "echo", "echo", "{\"text\": ");
        assertProblem(r, 400, "invalid_json");
        assertProblem(f.execute(VIEWER, "echo", "echo", "{\"text\":\"a\"} trailing"), 400, "invalid_json");
        assertProblem(f.execute(VIEWER, "echo", "echo", "{\"text\":\"a\",\"text\":\"b\"}"), 400, "invalid_json");
        HttpResponse<String> unclosed = f.execute(VIEWER, "echo", "echo", "[1");
        assertProblem(unclosed, 400, "invalid_json");
        assertThat(unclosed.body()).contains("expected close marker for Array (line 1, column 3)")
                .doesNotContain("Source", "StreamReadFeature", "REDACTED");
    }

    @Test
    void jsonThatIsNotAnObjectIs400() {
        for (String body : new String[] {"[1,2]", "\"text\"", "42", "null", "true"}) {
            assertProblem(f.execute(VIEWER, "echo", "echo", body), 400, "invalid_json");
        }
    }

    @Test
    void deeplyNestedJsonIs400NotAStackOverflow() {
        String deep = "{\"text\":" + "[".repeat(900) + "]".repeat(900) + "}";
        HttpResponse<String> r = f.execute(VIEWER, "echo", "echo", deep);
        assertProblem(r, 400, "invalid_json");
        assertThat(json(r).path("detail").asText()).contains("nesting depth 64");
    }

    @Test
    void wrongContentTypeIs415() {
        assertProblem(f.post("/api/v1/agents/echo/capabilities/echo", "text/plain", "{\"text\":\"a\"}",
                "X-API-Key", VIEWER), 415, "unsupported_media_type");
        assertProblem(f.post("/api/v1/agents/echo/capabilities/echo", null, "{\"text\":\"a\"}",
                "X-API-Key", VIEWER), 415, "unsupported_media_type");
        HttpResponse<String> charset = f.post("/api/v1/agents/echo/capabilities/echo",
                "application/json; charset=utf-8", "{\"text\":\"a\"}", "X-API-Key", VIEWER);
        assertThat(charset.statusCode()).isEqualTo(200);
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "{\"text\":\"" + "x".repeat(4096) + "\"}";
        assertProblem(f.execute(VIEWER, "echo", "echo", big), 413, "content_too_large");
        // chunked, without Content-Length
        HttpRequest chunked = HttpRequest.newBuilder(f.uri("/api/v1/agents/echo/capabilities/echo"))
                .header("Content-Type", "application/json").header("X-API-Key", VIEWER)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        big.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .build();
        assertProblem(f.send(chunked), 413, "content_too_large");
    }

    @Test
    void unknownRouteIs404AndWrongMethodIs405() {
        assertProblem(f.get("/nope"), 404, "not_found");
        assertProblem(f.get("/api/v1/nope", "X-API-Key", VIEWER), 404, "not_found");
        HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.uri("/health"))
                .method("DELETE", HttpRequest.BodyPublishers.noBody()).build());
        assertProblem(r, 405, "method_not_allowed");
        assertProblem(f.get("/api/v1/agents/echo/capabilities/echo", "X-API-Key", VIEWER), 405,
                "method_not_allowed");
    }

    @Test
    void systemStatus() {
        HttpResponse<String> r = f.get("/api/v1/system/status", "X-API-Key", VIEWER);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("version").asText()).isEqualTo(TwisterLabServer.version());
        assertThat(body.path("uptime_seconds").isIntegralNumber()).isTrue();
        assertThat(body.path("agents").path("count").asInt()).isEqualTo(2);
        assertThat(body.path("rate_limit").path("mode").asText()).isEqualTo("normal");
    }

    @Test
    void openApiHasOneOperationPerCapability() {
        HttpResponse<String> r = f.get("/api/v1/openapi.json", "X-API-Key", ADMIN);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode doc = json(r);
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        JsonNode op = doc.path("paths").path("/api/v1/agents/echo/capabilities/echo").path("post");
        assertThat(op.path("operationId").asText()).isEqualTo("echo__echo");
        String ref = op.path("requestBody").path("content").path("application/json").path("schema")
                .path("$ref").asText();
        assertThat(ref).startsWith("#/components/schemas/");
        JsonNode input = doc.path("components").path("schemas").path(ref.substring("#/components/schemas/".length()));
        assertThat(input.path("required").path(0).asText()).isEqualTo("text");
        assertThat(doc.path("paths").has("/api/v1/agents/relay/capabilities/relay")).isTrue();
    }

    @Test
    void jettyLevelErrorsAreProblemsToo() throws Exception {
        for (String requestLine : new String[] {"GET /%zz HTTP/1.1", "GET /../etc/passwd HTTP/1.1"}) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", f.server.port())) {
                socket.getOutputStream().write((requestLine + "\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String response = new String(socket.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertThat(response).startsWith("HTTP/1.1 400").contains("application/problem+json")
                        .contains("\"code\":\"bad_request\"").doesNotContain("<html");
            }
        }
        // a %00 in the URI: Jetty rejects the request line; a fresh request id, no instance (nothing trustworthy)
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", f.server.port())) {
            socket.getOutputStream().write(("GET /api/v1/agents/a%00b HTTP/1.1\r\nHost: localhost\r\n"
                    + "X-Request-ID: forged-id\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 400").doesNotContain("forged-id");
            String id = response.replaceAll("(?s).*\r\nX-Request-ID: ([0-9a-f-]{36})\r\n.*", "$1");
            assertThat(id).matches("[0-9a-f-]{36}");
            com.fasterxml.jackson.databind.JsonNode body = json(response.substring(response.indexOf("\r\n\r\n") + 4));
            assertThat(body.path("request_id").asText()).isEqualTo(id);
            assertThat(body.has("instance")).as(response).isFalse();
        }
        HttpResponse<String> big = f.get("/health", "X-Big", "a".repeat(20_000), "X-Request-ID", "forged-id");
        assertThat(big.statusCode()).isEqualTo(431);
        assertThat(big.body()).contains("\"status\":431").doesNotContain("<html");
        String id = big.headers().firstValue("X-Request-ID").orElseThrow();
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(json(big).path("request_id").asText()).isEqualTo(id);
        assertThat(json(big).path("instance").asText()).isEqualTo("/health");
    }
}
