package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Scenario 4: hostile input against one running instance. Every answer is the right 4xx
 * {@code application/problem+json}; the server never answers 5xx and stays healthy (checked after all).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT extends E2eBase {
    static final String JWT_SECRET = "e2e-jwt-secret-" + UUID.randomUUID();
    static final String PASSWORD = "correct horse battery staple";
    static final String EXECUTE_QUERY = "/api/v1/agents/database/capabilities/execute_query";

    private final ApiKeys operator = ApiKeys.generate("ops", "operator");
    private ServerProcess server;

    @Override
    boolean sharesProcessesAcrossTests() {
        return true;
    }

    @BeforeAll
    void startServer() {
        String hash = BCrypt.withDefaults().hashToString(4, PASSWORD.toCharArray());
        server = ServerProcess.builder(getClass().getSimpleName(), 0)
                .env("TWISTERLAB_API_KEYS", operator.entry())
                .env("TWISTERLAB_USERS", "alice:viewer:" + hash)
                .env("TWISTERLAB_JWT_SECRET", JWT_SECRET)
                .env("TWISTERLAB_RATELIMIT_DEFAULT", "100000/1m")
                .env("TWISTERLAB_LOGIN_LIMIT", "5/1h")
                .start().awaitReady();
    }

    @AfterAll
    void stillHealthyAndNeverA5xx() {
        try {
            assertThat(Http.get(server.uri("/health"), Map.of()).statusCode()).isEqualTo(200);
            assertThat(server.isAlive()).isTrue();
            assertThat(server.logText()).as("access log of %s", server.log())
                    .doesNotContainPattern("status=5\\d\\d")
                    .doesNotContain("OutOfMemoryError");
        } finally {
            Cleanup.closeAll();
        }
    }

    private Map<String, String> auth() {
        return Http.bearer(operator.key());
    }

    private HttpResponse<String> execute(String path, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).timeout(Http.TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        auth().forEach(b::header);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return Http.send(b.build());
    }

    static JsonNode problem(HttpResponse<String> r, int status, String code) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(Http.contentType(r)).startsWith("application/problem+json");
        JsonNode p = Http.json(r);
        assertThat(p.path("status").asInt()).isEqualTo(status);
        if (code != null) {
            assertThat(p.path("code").asText()).isEqualTo(code);
        }
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        return p;
    }

    @Test
    void malformedNonObjectAndDeeplyNestedJsonAre400() {
        problem(execute(EXECUTE_QUERY, "application/json", "{\"sql\":"), 400, "invalid_json");
        problem(execute(EXECUTE_QUERY, "application/json", "{\"sql\": 'x'}"), 400, "invalid_json");
        for (String notAnObject : List.of("[1,2]", "\"SELECT 1\"", "42", "null", "true")) {
            problem(execute(EXECUTE_QUERY, "application/json", notAnObject), 400, "invalid_json");
        }
        String deep = "{\"a\":".repeat(1_000) + "1" + "}".repeat(1_000);
        problem(execute(EXECUTE_QUERY, "application/json", deep), 400, "invalid_json");
        String deepArray = "{\"params\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}";
        problem(execute(EXECUTE_QUERY, "application/json", deepArray), 400, "invalid_json");
        for (String number : List.of("1e40000000", "-1e-40000000", "1E+2147483647", "1E-2147483648")) {
            JsonNode p = problem(execute(EXECUTE_QUERY, "application/json", "{\"sql\":\"SELECT ?\",\"params\":["
                    + number + "]}"), 400, "invalid_json");
            assertThat(p.path("detail").asText()).as(number).startsWith("number out of range");
        }
    }

    @Test
    void tenMegabyteBodiesAre413WhetherDeclaredOrStreamed() {
        byte[] big = ("{\"sql\":\"" + "a".repeat(10 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        // declared Content-Length: refused before the body is read (only its first 64 KiB are sent)
        RawHttp.Response declared = RawHttp.exchange(server.port(), "POST " + EXECUTE_QUERY + " HTTP/1.1\r\n"
                + "Authorization: Bearer " + operator.key() + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + big.length, java.util.Arrays.copyOf(big, 64 * 1024));
        assertThat(declared.status()).as(declared.head()).isEqualTo(413);
        assertThat(declared.isProblem()).isTrue();
        // chunked, no length: the server stops reading past its limit
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(EXECUTE_QUERY)).timeout(Http.TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
        auth().forEach(b::header);
        HttpResponse<String> streamed;
        try {
            streamed = Http.send(b.build());
        } catch (RuntimeException e) {
            // the server may close the connection once it has answered; the raw exchange shows the answer
            RawHttp.Response r = RawHttp.exchange(server.port(), "POST " + EXECUTE_QUERY + " HTTP/1.1\r\n"
                    + "Authorization: Bearer " + operator.key() + "\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked", chunked(big));
            assertThat(r.status()).as(r.head()).isEqualTo(413);
            return;
        }
        problem(streamed, 413, "content_too_large");
    }

    private static byte[] chunked(byte[] body) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int chunk = 64 * 1024;
        for (int i = 0; i < body.length; i += chunk) {
            int n = Math.min(chunk, body.length - i);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, i, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Test
    void wrongContentTypesAre415() {
        for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=x")) {
            problem(execute(EXECUTE_QUERY, type, "{\"sql\":\"SELECT 1\"}"), 415, "unsupported_media_type");
        }
        problem(execute(EXECUTE_QUERY, null, "{\"sql\":\"SELECT 1\"}"), 415, "unsupported_media_type");
    }

    @Test
    void unknownAgentsCapabilitiesRoutesAndMethodsAre404Or405() {
        problem(execute("/api/v1/agents/nope/capabilities/x", "application/json", "{}"), 404, "agent_not_found");
        problem(execute("/api/v1/agents/database/capabilities/drop_everything", "application/json", "{}"), 404,
                "capability_not_found");
        problem(Http.get(server.uri("/api/v1/agents/nope"), auth()), 404, "agent_not_found");
        problem(Http.get(server.uri("/api/v1/nothing-here"), auth()), 404, null);
        problem(Http.get(server.uri("/wp-admin/install.php"), Map.of()), 404, null);
        HttpResponse<String> delete = Http.send(HttpRequest.newBuilder(server.uri("/api/v1/agents"))
                .header("Authorization", "Bearer " + operator.key()).DELETE().build());
        problem(delete, 405, null);
    }

    @Test
    void wrongMissingAndExtraArgumentsAre400WithEveryViolation() {
        JsonNode p = problem(execute(EXECUTE_QUERY, "application/json",
                "{\"sql\":5,\"limit\":\"5\",\"timeout_ms\":-1,\"evil\":true}"), 400, "invalid_arguments");
        assertThat(p.path("violations")).hasSizeGreaterThanOrEqualTo(4);
        assertThat(p.path("violations").findValuesAsText("field")).contains("sql", "limit", "timeout_ms", "evil");
        p = problem(execute(EXECUTE_QUERY, "application/json", "{}"), 400, "invalid_arguments");
        assertThat(p.path("violations").findValuesAsText("field")).containsExactly("sql");
        p = problem(execute("/api/v1/agents/cache/capabilities/cache_set", "application/json",
                "{\"key\":[1],\"value\":1,\"ttl_seconds\":\"soon\"}"), 400, "invalid_arguments");
        assertThat(p.path("violations").findValuesAsText("field")).contains("key");
    }

    static String json(Object value) {
        try {
            return Http.JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void hugeHeadersAre431() {
        Map<String, String> headers = new HashMap<>(auth());
        headers.put("X-Padding", "a".repeat(64 * 1024));
        headers.put("X-Request-ID", "forged-request-id");
        HttpResponse<String> r = Http.get(server.uri("/api/v1/agents"), headers);
        jettyProblem(r, 431, "/api/v1/agents");
        Map<String, String> many = new HashMap<>(auth());
        for (int i = 0; i < 500; i++) {
            many.put("X-H" + i, "v".repeat(100));
        }
        jettyProblem(Http.get(server.uri("/api/v1/agents"), many), 431, "/api/v1/agents");
    }

    /**
     * A problem answered by Jetty before the application saw the request: a fresh request id (never the
     * request's own header) in the body and {@code X-Request-ID}, and the request path as {@code instance}.
     */
    static void jettyProblem(HttpResponse<String> r, int status, String instance) {
        JsonNode p = problem(r, status, null);
        String id = r.headers().firstValue("X-Request-ID").orElseThrow(() -> new AssertionError("no X-Request-ID"));
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(p.path("request_id").asText()).as(r.body()).isEqualTo(id);
        assertThat(p.path("instance").asText()).as(r.body()).isEqualTo(instance);
    }

    @Test
    void pathTraversalInPathParametersFindsNothing() throws Exception {
        for (String path : List.of("/api/v1/agents/..%2F..%2Fetc%2Fpasswd", "/api/v1/agents/%2e%2e/health",
                "/api/v1/agents/..%5C..%5Cwindows/health", "/api/v1/agents/database/capabilities/..%2Fexecute_query")) {
            HttpResponse<String> r = Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + path)).header("Authorization", "Bearer " + operator.key()).GET().build());
            assertThat(r.statusCode()).as(path + " -> " + r.body()).isIn(400, 404, 405);
            assertThat(Http.contentType(r)).startsWith("application/problem+json");
            assertThat(r.body()).doesNotContain("root:");
        }
        for (String path : List.of("/api/v1/agents/../../etc/passwd", "/../../../etc/passwd",
                "/api/v1/agents/database/capabilities/../../../../metrics", "/api/v1/agents/a%00b")) {
            RawHttp.Response r = RawHttp.exchange(server.port(), "GET " + path + " HTTP/1.1\r\nAuthorization: Bearer "
                    + operator.key(), new byte[0]);
            assertThat(r.status()).as(path + " -> " + r.head()).isIn(400, 404);
            assertThat(r.isProblem()).as(path).isTrue();
            assertThat(r.body()).doesNotContain("root:");
            // every problem carries a request id, in the body and the header; Jetty's own 400s (%00) included
            JsonNode p = Http.JSON.readTree(r.body());
            assertThat(p.path("request_id").asText()).as(path + " -> " + r.body()).isNotEmpty();
            assertThat(r.head()).as(path).containsIgnoringCase("X-Request-ID: " + p.path("request_id").asText());
            assertThat(p.path("instance").asText()).as(path + " -> " + r.body()).doesNotContain("%00", "badMessage");
            if (path.contains("%00")) {
                assertThat(p.has("instance")).as("%00: nothing trustworthy to name; " + r.body()).isFalse();
            }
        }
    }

    @Test
    void spoofedForwardingHeadersFromAnUntrustedPeerAreIgnored() {
        // no trusted proxies: the client is the TCP peer, whatever the headers claim
        for (Map.Entry<String, String> spoof : Map.of("X-Forwarded-For", "203.0.113.7, 198.51.100.1",
                "Forwarded", "for=203.0.113.8;proto=https", "X-Real-IP", "203.0.113.9").entrySet()) {
            String requestId = "spoof-" + UUID.randomUUID();
            problem(Http.get(server.uri("/api/v1/agents"), Map.of(spoof.getKey(), spoof.getValue(),
                    "X-Request-ID", requestId)), 401, "unauthorized");
            String line = server.logText().lines().filter(l -> l.contains(requestId) && l.contains("status=401"))
                    .findFirst().orElseThrow(() -> new AssertionError("no access line for " + requestId));
            assertThat(line).contains("client=127.0.0.1").doesNotContain("203.0.113.");
        }
        // and the login limit per client IP (5/1h) cannot be dodged by rotating X-Forwarded-For
        int passwordChecks = 0;
        int limited = 0;
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = Http.send(HttpRequest.newBuilder(server.uri("/api/v1/auth/token"))
                    .header("Content-Type", "application/json").header("X-Forwarded-For", "198.51.100." + i)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"alice\",\"password\":\"guess" + i
                            + "\"}")).build());
            assertThat(r.statusCode()).isIn(401, 429);
            assertThat(Http.contentType(r)).startsWith("application/problem+json");
            passwordChecks += r.statusCode() == 401 ? 1 : 0;
            limited += r.statusCode() == 429 ? 1 : 0;
        }
        assertThat(passwordChecks).as("attempts that reached the password check").isLessThanOrEqualTo(5);
        assertThat(limited).isGreaterThanOrEqualTo(5);
    }

    @Test
    void invalidExpiredForgedAndUnsignedTokensAndWrongKeysAre401() {
        long inAnHour = System.currentTimeMillis() / 1000 + 3600;
        long anHourAgo = System.currentTimeMillis() / 1000 - 3600;
        List<Map<String, String>> bad = List.of(
                Http.bearer("not-a-token"),
                Http.bearer("a.b.c"),
                Http.bearer("eyJhbGciOiJIUzI1NiJ9.e30."),
                Http.bearer(Jwt.hs256("a-different-secret-of-at-least-32-chars!", "alice", "admin", inAnHour)),
                Http.bearer(Jwt.hs256(JWT_SECRET, "alice", "viewer", anHourAgo)),
                Http.bearer(Jwt.hs256(JWT_SECRET, "mallory", "admin", inAnHour)),
                Http.bearer(Jwt.unsigned("alice", "admin", inAnHour)),
                Http.bearer(operator.key() + "x"),
                Http.bearer("tlk_" + "A".repeat(43)),
                Http.bearer("x".repeat(5_000)),
                Map.of("X-API-Key", "tlk_wrong"),
                Map.of("Authorization", "Basic " + java.util.Base64.getEncoder()
                        .encodeToString("ops:secret".getBytes(StandardCharsets.UTF_8))),
                Map.of("Authorization", "Bearer"),
                Map.of());
        for (Map<String, String> headers : bad) {
            problem(Http.get(server.uri("/api/v1/agents"), headers), 401, "unauthorized");
        }
        // controls: the right secret with a configured user works, and its role comes from the configuration
        String valid = Jwt.hs256(JWT_SECRET, "alice", "admin", inAnHour);
        assertThat(Http.get(server.uri("/api/v1/agents"), Http.bearer(valid)).statusCode()).isEqualTo(200);
        // alice is a viewer: a token claiming admin does not let her run an ACTION
        problem(Http.send(HttpRequest.newBuilder(server.uri("/api/v1/agents/cache/capabilities/cache_set"))
                .header("Authorization", "Bearer " + valid).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"k\",\"value\":1}")).build()), 403, null);
    }

    /** The MCP endpoint answers hostile JSON-RPC with JSON-RPC errors (its protocol), HTTP 4xx, never a 5xx. */
    @Test
    void mcpEndpointRejectsHostileJsonRpc() {
        Map<String, String> headers = new HashMap<>(auth());
        headers.put("Accept", "application/json, text/event-stream");
        Map<String, Integer> cases = Map.of(
                "{\"jsonrpc\":", -32700,
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}]", -32600,
                "{\"jsonrpc\":\"2.0\",\"id\":1}", -32600,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"arguments\":"
                        + "[".repeat(100_000) + "]".repeat(100_000) + "}}", -32700);
        for (Map.Entry<String, Integer> c : cases.entrySet()) {
            HttpResponse<String> r = Http.postJson(server.uri("/mcp"), headers, c.getKey());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(Http.json(r).path("error").path("code").asInt()).as(r.body()).isEqualTo(c.getValue());
        }
        HttpResponse<String> unknownTool = Http.postJson(server.uri("/mcp"), headers,
                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"../../etc\","
                        + "\"arguments\":{}}}");
        assertThat(unknownTool.statusCode()).isLessThan(500);
        assertThat(Http.json(unknownTool).path("error").path("code").asInt()).isEqualTo(-32602);
        HttpRequest wrongType = HttpRequest.newBuilder(server.uri("/mcp")).header("Content-Type", "text/plain")
                .header("Authorization", "Bearer " + operator.key()).POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        problem(Http.send(wrongType), 415, null);
        problem(Http.postJson(server.uri("/mcp"), Map.of("Authorization", "Bearer tlk_forged"), "{}"), 401,
                "unauthorized");
    }
}
