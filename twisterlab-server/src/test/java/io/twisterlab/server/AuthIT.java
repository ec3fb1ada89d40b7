package io.twisterlab.server;

import static io.twisterlab.server.Fixture.ADMIN;
import static io.twisterlab.server.Fixture.OPERATOR;
import static io.twisterlab.server.Fixture.VIEWER;
import static io.twisterlab.server.Fixture.json;
import static io.twisterlab.server.ServerRoutesIT.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.twisterlab.core.testing.EchoAgent;
import io.twisterlab.core.testing.RelayAgent;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthIT {
    static final String PASSWORD = "correct horse battery staple";
    static final EchoAgent ECHO = new EchoAgent();
    static Fixture f;
    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        String hash = new String(BCrypt.withDefaults().hash(4, PASSWORD.toCharArray()), StandardCharsets.UTF_8);
        Path yaml = dir.resolve("config.yaml");
        Files.writeString(yaml, """
                access:
                  overrides:
                    - agent: echo
                      capability: echo
                      roles: [operator]
                """);
        f = new Fixture(Map.of("auth.users", "alice:viewer:" + hash + ",olga:operator:" + hash, "auth.login_limit", "1000/1s",
                "config.file", yaml.toString()), ECHO, new RelayAgent());
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    @Test
    void missingOrWrongCredentialsAre401() {
        assertProblem(f.get("/api/v1/agents"), 401, "unauthorized");
        assertThat(f.get("/api/v1/agents").headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Bearer"));
        assertProblem(f.get("/api/v1/agents", "Authorization", "Bearer wrong"), 401, "unauthorized");
        assertProblem(f.get("/api/v1/agents", "X-API-Key", "wrong"), 401, "unauthorized");
        assertProblem(f.get("/api/v1/agents", "Authorization", "Basic dXNlcjpwYXNz"), 401, "unauthorized");
        assertProblem(f.get("/api/v1/agents", "Authorization", "Bearer a.b.c"), 401, "unauthorized");
    }

    @Test
    void bearerAndApiKeyHeaderBothWork() {
        assertThat(f.get("/api/v1/agents", "Authorization", "Bearer " + VIEWER).statusCode()).isEqualTo(200);
        assertThat(f.get("/api/v1/agents", "authorization", "bearer " + VIEWER).statusCode()).isEqualTo(200);
        assertThat(f.get("/api/v1/agents", "X-API-Key", VIEWER).statusCode()).isEqualTo(200);
    }

    @Test
    void viewerMayQueryButNotAct() {
        int before = ECHO.resets();
        HttpResponse<String> query = f.execute(VIEWER, "echo", "resets", "{}");
        assertThat(query.statusCode()).as(query.body()).isEqualTo(200);
        assertThat(json(query).path("success").asBoolean()).isTrue();
        assertThat(json(query).path("data").path("resets").asInt()).isEqualTo(before);
        HttpResponse<String> act = f.execute(VIEWER, "echo", "reset", "{}");
        assertProblem(act, 403, "forbidden");
        assertThat(json(act).path("detail").asText()).contains("viewer").contains("echo.reset");
        assertThat(ECHO.resets()).as("the refused ACTION never ran").isEqualTo(before);
        assertThat(json(f.execute(OPERATOR, "echo", "reset", "{}")).path("data").path("resets").asInt())
                .isEqualTo(before + 1);
        assertThat(json(f.execute(ADMIN, "echo", "reset", "{}")).path("data").path("resets").asInt())
                .isEqualTo(before + 2);
    }

    @Test
    void viewerIsDeniedAnActionThroughMcpAndItNeverRuns() {
        int before = ECHO.resets();
        HttpResponse<String> listed = mcp(VIEWER, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}");
        assertThat(json(listed).path("result").path("tools").findValuesAsText("name"))
                .contains("relay.relay").doesNotContain("echo.reset");
        HttpResponse<String> call = mcp(VIEWER, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"echo.reset\",\"arguments\":{}}}");
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        assertThat(json(call).path("result").path("isError").asBoolean()).as(call.body()).isTrue();
        assertThat(json(call).path("result").path("structuredContent").path("error").path("code").asText())
                .isEqualTo("forbidden");
        HttpResponse<String> nested = mcp(VIEWER, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"relay.relay\",\"arguments\":{\"agent\":\"echo\",\"capability\":\"reset\"}}}");
        assertThat(json(nested).path("result").path("isError").asBoolean()).as(nested.body()).isTrue();
        assertThat(ECHO.resets()).as("neither refused call ran the ACTION").isEqualTo(before);
        HttpResponse<String> allowed = mcp(OPERATOR, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"echo.reset\",\"arguments\":{}}}");
        assertThat(json(allowed).path("result").path("isError").asBoolean()).as(allowed.body()).isFalse();
        assertThat(ECHO.resets()).as("the control: an operator's call runs it").isEqualTo(before + 1);
    }

    private static HttpResponse<String> mcp(String key, String message) {
        return f.post("/mcp", "application/json", message, "Authorization", "Bearer " + key,
                "Accept", "application/json, text/event-stream");
    }

    @Test
    void viewerIsDeniedAnActionThroughAnOrchestratingAgent() {
        int before = ECHO.resets();
        HttpResponse<String> r = f.execute(VIEWER, "relay", "relay", "{\"agent\":\"echo\",\"capability\":\"reset\"}");
        assertProblem(r, 403, "forbidden");
        assertThat(ECHO.resets()).as("the nested ACTION never ran").isEqualTo(before);
        HttpResponse<String> ok = f.execute(OPERATOR, "relay", "relay",
                "{\"agent\":\"echo\",\"capability\":\"reset\"}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(json(ok).path("data").path("nested_success").asBoolean()).isTrue();
    }

    @Test
    void yamlOverrideRestrictsAQueryToOperators() {
        assertProblem(f.execute(VIEWER, "echo", "echo", "{\"text\":\"a\"}"), 403, "forbidden");
        assertThat(f.execute(OPERATOR, "echo", "echo", "{\"text\":\"a\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void loginIssuesAToken() {
        HttpResponse<String> r = f.post("/api/v1/auth/token", "application/json",
                "{\"username\":\"olga\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String token = json(r).path("access_token").asText();
        assertThat(json(r).path("token_type").asText()).isEqualTo("Bearer");
        assertThat(json(r).path("expires_in").asLong()).isEqualTo(900);
        assertThat(f.execute(token, "echo", "reset", "{}").statusCode()).isEqualTo(200);

        HttpResponse<String> form = f.post("/api/v1/auth/token", "application/x-www-form-urlencoded",
                "username=alice&password=" + PASSWORD.replace(" ", "+"));
        assertThat(form.statusCode()).isEqualTo(200);
        String viewerToken = json(form).path("access_token").asText();
        assertProblem(f.execute(viewerToken, "echo", "reset", "{}"), 403, "forbidden");
    }

    @Test
    void wrongPasswordUnknownUserAndTamperedTokenAre401() {
        assertProblem(f.post("/api/v1/auth/token", "application/json",
                "{\"username\":\"olga\",\"password\":\"nope\"}"), 401, "unauthorized");
        assertProblem(f.post("/api/v1/auth/token", "application/json",
                "{\"username\":\"mallory\",\"password\":\"nope\"}"), 401, "unauthorized");
        assertProblem(f.post("/api/v1/auth/token", "application/json", "{\"username\":\"olga\"}"), 400,
                "invalid_login_request");
        assertProblem(f.post("/api/v1/auth/token", "text/plain", "x"), 415, "unsupported_media_type");
        assertProblem(f.post("/api/v1/auth/token", "application/json",
                "{\"username\":\"olga\",\"password\":\"" + "p".repeat(500) + "\"}"), 401, "unauthorized");
        assertProblem(f.post("/api/v1/auth/token", "application/json", "[]"), 400, "invalid_json");
        String token = json(f.post("/api/v1/auth/token", "application/json",
                "{\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}")).path("access_token").asText();
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"olga\",\"role\":\"admin\",\"iss\":\"twisterlab\",\"exp\":9999999999}"
                        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertProblem(f.get("/api/v1/agents", "Authorization", "Bearer " + forged), 401, "unauthorized");
    }

    @Test
    void generatedAdminKeyWhenNothingIsConfigured() {
        try (TwisterLabServer s = TwisterLabServer.builder(ServerConfig.fromSettings(Map.of("server.port", "0")))
                .discoverAgents(false).build().start()) {
            String key = s.generatedAdminKey().orElseThrow();
            assertThat(key).startsWith("tlk_").hasSizeGreaterThan(40);
            try (Fixture client = new Fixture(Map.of("auth.api_keys", ""))) {
                HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                        s.baseUri().resolve("/api/v1/agents")).header("Authorization", "Bearer " + key).build());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(client.server.generatedAdminKey()).isPresent().isNotEqualTo(s.generatedAdminKey());
            }
        }
        try (Fixture configured = new Fixture()) {
            assertThat(configured.server.generatedAdminKey()).isEmpty();
        }
    }

    @Test
    void authDisabledOnLoopbackLetsEveryoneIn() {
        try (Fixture open = new Fixture(Map.of("auth.mode", "disabled"), new EchoAgent())) {
            assertThat(open.get("/api/v1/agents").statusCode()).isEqualTo(200);
            assertThat(open.post("/api/v1/agents/echo/capabilities/reset", "application/json", "{}").statusCode())
                    .isEqualTo(200);
            assertThat(open.server.generatedAdminKey()).isEmpty();
        }
    }
}
