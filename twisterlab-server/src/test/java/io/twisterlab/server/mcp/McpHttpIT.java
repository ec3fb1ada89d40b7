package io.twisterlab.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.testing.EchoAgent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Raw JSON-RPC over HTTP with the JDK client: the transport rules and every error path. */
class McpHttpIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String ALLOWED_ORIGIN = "http://localhost:6274";
    private static AgentRegistry registry;
    private static McpEndpoint endpoint;
    private static JdkMcpHost host;

    @BeforeAll
    static void start() throws IOException {
        registry = AgentRegistry.builder()
                .register(new EchoAgent())
                .accessPolicy(McpTestAgents.POLICY)
                .build();
        endpoint = McpEndpoint.builder(registry)
                .accessPolicy(McpTestAgents.POLICY)
                .allowedOrigins(List.of(ALLOWED_ORIGIN))
                .maxRequestBytes(4096)
                .build();
        host = new JdkMcpHost(endpoint);
    }

    @AfterAll
    static void stop() {
        host.close();
        endpoint.close();
        registry.close();
    }

    private static HttpRequest.Builder request(String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(host.uri())
                .header("Authorization", "Bearer viewer-token")
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream");
        for (int i = 0; i < headers.length; i += 2) {
            builder.setHeader(headers[i], headers[i + 1]);
        }
        return builder;
    }

    private static HttpResponse<String> post(String body, String... headers) throws Exception {
        return HTTP.send(request(headers).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode rpc(String method, Object id, Map<String, Object> params) throws Exception {
        HttpResponse<String> response = post(JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", id,
                "method", method, "params", params)));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(response.body());
    }

    private static void assertRpcError(HttpResponse<String> response, int status, int code) throws IOException {
        assertThat(response.statusCode()).isEqualTo(status);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("jsonrpc").asText()).isEqualTo("2.0");
        assertThat(body.path("error").path("code").asInt()).isEqualTo(code);
        assertThat(body.has("id")).isTrue();
    }

    private static void assertProblem(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("detail").asText()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2025-11-25", "2025-06-18", "2025-03-26"})
    void initializeAgreesOnEverySupportedVersion(String version) throws Exception {
        JsonNode response = rpc("initialize", 1, Map.of("protocolVersion", version, "capabilities", Map.of(),
                "clientInfo", Map.of("name", "curl", "version", "1")));

        assertThat(response.path("id").asInt()).isEqualTo(1);
        assertThat(response.path("result").path("protocolVersion").asText()).isEqualTo(version);
        assertThat(response.path("result").path("serverInfo").path("name").asText()).isEqualTo("twisterlab");
        assertThat(response.path("result").path("capabilities").has("tools")).isTrue();
    }

    @Test
    void initializeWithAnUnknownVersionGetsTheLatest() throws Exception {
        JsonNode response = rpc("initialize", "init", Map.of("protocolVersion", "2024-01-01", "capabilities",
                Map.of(), "clientInfo", Map.of("name", "old", "version", "1")));

        assertThat(response.path("id").asText()).isEqualTo("init");
        assertThat(response.path("result").path("protocolVersion").asText()).isEqualTo("2025-11-25");
    }

    @Test
    void notificationsAndClientResponsesAreAcceptedWithoutBody() throws Exception {
        HttpResponse<String> initialized = post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertThat(initialized.statusCode()).isEqualTo(202);
        assertThat(initialized.body()).isEmpty();

        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}");
        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void pingAnswersAnEmptyResult() throws Exception {
        JsonNode response = rpc("ping", 3, Map.of());

        assertThat(response.path("result").isObject()).isTrue();
        assertThat(response.path("result").size()).isZero();
    }

    @Test
    void toolsCallResultCarriesStructuredContentAndTheSameJsonAsText() throws Exception {
        JsonNode result = rpc("tools/call", 4, Map.of("name", "echo.echo", "arguments", Map.of("text", "ab")))
                .path("result");

        assertThat(result.path("isError").asBoolean()).isFalse();
        assertThat(result.path("structuredContent")).isEqualTo(JSON.valueToTree(Map.of("text", "ab")));
        assertThat(result.path("content").get(0).path("type").asText()).isEqualTo("text");
        assertThat(JSON.readTree(result.path("content").get(0).path("text").asText()))
                .isEqualTo(result.path("structuredContent"));
    }

    @Test
    void unknownMethodIsMethodNotFound() throws Exception {
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"resources/list\"}"), 200, -32601);
    }

    @Test
    void unknownToolAndBadParamsAreInvalidParams() throws Exception {
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"x.y\"}}"),
                200, -32602);
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{}}"), 200, -32602);
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"echo.echo\",\"arguments\":[1]}}"), 200, -32602);
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":"
                + "{\"cursor\":\"not-a-cursor\"}}"), 200, -32602);
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}"), 200, -32602);
    }

    @Test
    void malformedJsonIsAParseErrorWithNullId() throws Exception {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");

        assertRpcError(response, 400, -32700);
        assertThat(JSON.readTree(response.body()).path("id").isNull()).isTrue();
        assertRpcError(post(""), 400, -32700);
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} trailing"), 400, -32700);
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ping\"}"), 400, -32700);
    }

    @Test
    void batchesAreRefused() throws Exception {
        assertRpcError(post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}]"), 400, -32600);
    }

    @Test
    void badEnvelopesAreInvalidRequests() throws Exception {
        HttpResponse<String> wrongVersion = post("{\"jsonrpc\":\"1.0\",\"id\":9,\"method\":\"ping\"}");
        assertRpcError(wrongVersion, 400, -32600);
        assertThat(JSON.readTree(wrongVersion.body()).path("id").asInt()).isEqualTo(9);

        assertRpcError(post("\"ping\""), 400, -32600);
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1}"), 400, -32600);
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":42}"), 400, -32600);
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}"), 400, -32600);
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}"), 400, -32600);
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}"), 400, -32600);
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":[1]}"), 400, -32600);
    }

    @Test
    void originsOutsideTheAllowListAreForbidden() throws Exception {
        assertProblem(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "Origin", "https://evil.example"),
                403);
        assertProblem(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "Origin", "null"), 403);

        assertThat(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", "Origin", ALLOWED_ORIGIN).statusCode())
                .isEqualTo(200);
    }

    @Test
    void unsupportedProtocolVersionHeaderIsABadRequest() throws Exception {
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

        HttpResponse<String> response = post(ping, "MCP-Protocol-Version", "2024-11-05");
        assertProblem(response, 400);
        assertThat(response.body()).contains("2025-11-25", "2025-06-18", "2025-03-26");
        for (String version : McpEndpoint.supportedProtocolVersions()) {
            assertThat(post(ping, "MCP-Protocol-Version", version).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void getAndDeleteAreNotAllowed() throws Exception {
        HttpResponse<String> get = HTTP.send(request().GET().build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(get, 405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");

        HttpResponse<String> delete = HTTP.send(request().DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertProblem(delete, 405);
    }

    @Test
    void wrongContentTypeAcceptOrSizeAreRefused() throws Exception {
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
        assertProblem(post(ping, "Content-Type", "text/plain"), 415);
        assertProblem(post(ping, "Accept", "text/html"), 406);
        assertThat(post(ping, "Content-Type", "application/json; charset=utf-8", "Accept", "*/*").statusCode())
                .isEqualTo(200);
        String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(5000)
                + "\"}}";
        assertProblem(post(big), 413);
    }

    @Test
    void agentsRegisteredAtRunTimeBecomeToolsAndDisappearWhenUnregistered() throws Exception {
        registry.register(new McpTestAgents.LateAgent());
        try {
            assertThat(toolNames()).contains("late.hello");
            JsonNode result = rpc("tools/call", 1, Map.of("name", "late.hello")).path("result");
            assertThat(result.path("structuredContent")).isEqualTo(JSON.valueToTree(Map.of("result", "hello")));
        } finally {
            registry.unregister("late");
        }
        assertThat(toolNames()).doesNotContain("late.hello");
        assertRpcError(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"late.hello\"}}"), 200, -32602);
    }

    private static List<String> toolNames() throws Exception {
        List<String> names = new ArrayList<>();
        rpc("tools/list", 1, Map.of()).path("result").path("tools").forEach(t -> names.add(t.path("name").asText()));
        return names;
    }
}
