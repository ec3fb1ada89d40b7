package io.twisterlab.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.core.testing.EchoAgent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link McpEndpoint#handle} called directly, without HTTP. */
class McpEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExecutionContext VIEWER = ExecutionContext.of("vera", Set.of("viewer"), "r1");
    private static final ExecutionContext NOBODY = ExecutionContext.of("nobody", Set.of(), "r2");
    private static final Map<String, String> HEADERS = Map.of("content-type", "application/json");

    private AgentRegistry registry;
    private McpEndpoint endpoint;

    @BeforeEach
    void setUp() {
        registry = AgentRegistry.builder()
                .register(new EchoAgent())
                .register(new McpTestAgents.ManyAgent(5))
                .accessPolicy(McpTestAgents.POLICY)
                .build();
        endpoint = McpEndpoint.builder(registry).accessPolicy(McpTestAgents.POLICY).pageSize(4).build();
    }

    @AfterEach
    void tearDown() {
        endpoint.close();
        registry.close();
    }

    private JsonNode call(ExecutionContext caller, String method, Map<String, Object> params) throws Exception {
        McpHttpResponse response = endpoint.handle(McpHttpRequest.of("POST", HEADERS, JSON.writeValueAsString(
                Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params)), caller));
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.contentType()).hasValue("application/json");
        return JSON.readTree(response.body());
    }

    @Test
    void toolsAreDescribedWithSchemaAndAnnotations() throws Exception {
        JsonNode echo = call(VIEWER, "tools/list", Map.of()).path("result").path("tools").get(0);

        assertThat(echo.path("name").asText()).isEqualTo("echo.echo");
        assertThat(echo.path("description").asText()).isEqualTo("Returns the text it was given, repeated");
        assertThat(echo.path("annotations").path("readOnlyHint").asBoolean()).isTrue();
        assertThat(echo.path("inputSchema").path("properties").path("times").path("maximum").asInt()).isEqualTo(3);
        assertThat(echo.path("inputSchema").path("properties").path("times").path("default").asInt()).isEqualTo(1);
    }

    @Test
    void toolsListPagesWithOpaqueCursors() throws Exception {
        List<String> names = new ArrayList<>();
        Map<String, Object> params = new HashMap<>();
        int pages = 0;
        while (true) {
            JsonNode result = call(VIEWER, "tools/list", params).path("result");
            result.path("tools").forEach(t -> names.add(t.path("name").asText()));
            pages++;
            if (!result.hasNonNull("nextCursor")) {
                break;
            }
            params.put("cursor", result.path("nextCursor").asText());
        }

        // viewer: echo, numbers, resets, explode + 5 many.* = 9 tools in pages of 4
        assertThat(pages).isEqualTo(3);
        assertThat(names).hasSize(9).doesNotHaveDuplicates().doesNotContain("echo.reset", "echo.fail");
    }

    @Test
    void aCallerWithoutRolesSeesNoTools() throws Exception {
        assertThat(call(NOBODY, "tools/list", Map.of()).path("result").path("tools").size()).isZero();
    }

    @Test
    void cursorsAreValidated() {
        assertThat(McpEndpoint.decodeCursor("not base64!")).isEqualTo(-1);
        assertThat(McpEndpoint.decodeCursor("dG9vbHM6LTE")).isEqualTo(-1); // tools:-1
        assertThat(McpEndpoint.decodeCursor("b3RoZXI6NA")).isEqualTo(-1); // other:4
        assertThat(McpEndpoint.decodeCursor("dG9vbHM6NA")).isEqualTo(4); // tools:4
    }

    @Test
    void acceptHeaderMustAllowJson() {
        assertThat(JsonRpcEnvelope.acceptsJson(null)).isTrue();
        assertThat(JsonRpcEnvelope.acceptsJson(List.of("application/json, text/event-stream"))).isTrue();
        assertThat(JsonRpcEnvelope.acceptsJson(List.of("text/event-stream", "application/*;q=0.5"))).isTrue();
        assertThat(JsonRpcEnvelope.acceptsJson(List.of("*/*"))).isTrue();
        assertThat(JsonRpcEnvelope.acceptsJson(List.of("text/event-stream"))).isFalse();
        assertThat(JsonRpcEnvelope.mediaTypeIs(" Application/JSON ; charset=UTF-8", "application/json")).isTrue();
        assertThat(JsonRpcEnvelope.mediaTypeIs("application/jsonx", "application/json")).isFalse();
    }

    @Test
    void nonObjectDataIsWrappedAsResult() {
        Map<String, Object> wrappedNull = new HashMap<>();
        wrappedNull.put("result", null);
        assertThat(ToolResults.structured(null)).isEqualTo(wrappedNull);
        assertThat(ToolResults.structured("x")).isEqualTo(Map.of("result", "x"));
        assertThat(ToolResults.structured(Map.of(1, "a"))).isEqualTo(Map.of("result", Map.of(1, "a")));
        assertThat(ToolResults.structured(Map.of("a", 1))).isEqualTo(Map.of("a", 1));
    }

    @Test
    void requestHeadersAreCaseInsensitiveAndKeepEveryValue() {
        McpHttpRequest request = new McpHttpRequest("POST", Map.of("Accept", List.of("a"), "ACCEPT", List.of("b"),
                "Origin", List.of("o")), new byte[0], VIEWER);

        assertThat(request.header("origin")).hasValue("o");
        assertThat(request.headers().get("accept")).containsExactlyInAnyOrder("a", "b");
        assertThat(request.header("x-missing")).isEmpty();
    }

    @Test
    void aClosedEndpointAnswers503() {
        endpoint.close();

        McpHttpResponse response = endpoint.handle(McpHttpRequest.of("POST", HEADERS,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", VIEWER));

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.contentType()).hasValue("application/problem+json");
    }

    @Test
    void builderRejectsNonsense() {
        assertThatThrownBy(() -> McpEndpoint.builder(registry).pageSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageSize");
        assertThatThrownBy(() -> McpEndpoint.builder(registry).maxRequestBytes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRequestBytes");
    }

    private JsonNode raw(String body, int status) throws Exception {
        McpHttpResponse response = endpoint.handle(McpHttpRequest.of("POST", HEADERS, body, VIEWER));
        assertThat(response.status()).as(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(status);
        return JSON.readTree(response.body());
    }

    @Test
    void argumentsAreBoundedLikeEveryOtherEntrance() throws Exception {
        for (String number : List.of("1e40000000", "-1e-40000000", "1E+2147483647", "1" + "0".repeat(200), "1e1001")) {
            JsonNode r = raw("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":"
                    + "\"echo.echo\",\"arguments\":{\"text\":\"a\",\"times\":[" + number + "]}}}", 200);
            assertThat(r.path("error").path("code").asInt()).as(number).isEqualTo(-32602);
            assertThat(r.path("id").asInt()).isEqualTo(7);
        }
        String deep = "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{\"name\":\"echo.echo\","
                + "\"arguments\":{\"text\":" + "[".repeat(70) + "]".repeat(70) + "}}}";
        assertThat(raw(deep, 400).path("error").path("code").asInt()).isEqualTo(-32700);
        String ordinary = "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"echo.echo\",\"arguments\":{\"text\":\"a\",\"times\":2}}}";
        assertThat(raw(ordinary, 200).path("result").path("structuredContent").path("text").asText()).isEqualTo("aa");
    }
}
