package io.twisterlab.server.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.twisterlab.core.testing.EchoAgent;
import io.twisterlab.server.ServerConfig;
import io.twisterlab.server.ServerConfig.Role;
import io.twisterlab.server.TwisterLabServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MCP endpoint end to end through the real server: its auth, roles, rate limiting, metrics and error pages. */
class McpServerIT {
    private static final String VIEWER = "mcp-viewer-key-0123456789";
    private static final String OPERATOR = "mcp-operator-key-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    private static TwisterLabServer server;

    @BeforeAll
    static void start() {
        server = start(Map.of("ratelimit.default", "100000/1s", "server.cors_origins", "http://localhost:6274"));
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    static TwisterLabServer start(Map<String, String> settings) {
        return TwisterLabServer.builder(config(settings)).discoverAgents(false)
                .agent(new EchoAgent())
                .build().start();
    }

    static ServerConfig config(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("server.port", "0");
        all.put("auth.api_keys", ServerConfig.apiKeyEntry("vera", Role.VIEWER, VIEWER) + ","
                + ServerConfig.apiKeyEntry("otto", Role.OPERATOR, OPERATOR));
        return ServerConfig.fromSettings(all);
    }

    private static McpSyncClient client(TwisterLabServer target, String key) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder(target.baseUri().toString())
                .endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
        client.initialize();
        return client;
    }

    private static HttpResponse<String> post(TwisterLabServer target, String body, String... headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.baseUri().resolve("/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String text(CallToolResult result) {
        return ((TextContent) result.content().get(0)).text();
    }

    @Test
    void sdkClientListsAndCallsToolsWithTheServersRolesAndCountsExecutions() throws Exception {
        try (McpSyncClient viewer = client(server, VIEWER); McpSyncClient operator = client(server, OPERATOR)) {
            assertThat(viewer.getServerInfo().name()).isEqualTo("twisterlab");
            assertThat(viewer.listTools().tools()).extracting(Tool::name)
                    .contains("echo.echo").doesNotContain("echo.reset");
            assertThat(operator.listTools().tools()).extracting(Tool::name).contains("echo.echo", "echo.reset");

            CallToolResult echoed = viewer.callTool(CallToolRequest.builder("echo.echo")
                    .arguments(Map.of("text", "mcp")).build());
            assertThat(echoed.isError()).isFalse();
            assertThat(echoed.structuredContent()).isEqualTo(Map.of("text", "mcp"));

            CallToolResult refused = viewer.callTool(CallToolRequest.builder("echo.reset").arguments(Map.of()).build());
            assertThat(refused.isError()).isTrue();
            assertThat(text(refused)).contains("'vera' may not execute echo.reset");

            assertThat(operator.callTool(CallToolRequest.builder("echo.reset").arguments(Map.of()).build())
                    .isError()).isFalse();
        }

        String metrics = HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics.lines().filter(l -> l.startsWith("twisterlab_agent_executions_total{")))
                .anySatisfy(l -> assertThat(l).contains("agent=\"echo\"", "capability=\"echo\"",
                        "outcome=\"success\""))
                .anySatisfy(l -> assertThat(l).contains("agent=\"echo\"", "capability=\"reset\"",
                        "outcome=\"denied\""));
        assertThat(metrics.lines().filter(l -> l.startsWith("twisterlab_http_request_duration_seconds_count{")))
                .anySatisfy(l -> assertThat(l).contains("route=\"/mcp\"", "method=\"POST\"", "status=\"200\""));
    }

    @Test
    void requestsWithoutCredentialsAreUnauthorized() throws Exception {
        HttpResponse<String> response = post(server, PING);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void jsonRpcErrorBodiesSurviveTheServersErrorPages() throws Exception {
        HttpResponse<String> response = post(server, "{not json", "X-API-Key", VIEWER);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("error").path("code").asInt()).isEqualTo(-32700);
        assertThat(body.path("id").isNull()).isTrue();
    }

    @Test
    void transportRulesApplyThroughTheServer() throws Exception {
        assertThat(post(server, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                "X-API-Key", VIEWER).statusCode()).isEqualTo(202);
        assertThat(post(server, PING, "X-API-Key", VIEWER, "Origin", "https://evil.example").statusCode())
                .isEqualTo(403);
        assertThat(post(server, PING, "X-API-Key", VIEWER, "Origin", "http://localhost:6274").statusCode())
                .isEqualTo(200);
        assertThat(post(server, PING, "X-API-Key", VIEWER, "MCP-Protocol-Version", "1999-01-01").statusCode())
                .isEqualTo(400);

        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(server.baseUri().resolve("/mcp"))
                .header("X-API-Key", VIEWER).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void rateLimitingAppliesPerPrincipalWithTheStandardHeadersAndProblem() throws Exception {
        TwisterLabServer limited = start(Map.of("ratelimit.default", "2/1m"));
        try {
            assertThat(post(limited, PING, "X-API-Key", VIEWER).headers().firstValue("RateLimit")).isPresent();
            assertThat(post(limited, PING, "X-API-Key", VIEWER).statusCode()).isEqualTo(200);

            HttpResponse<String> denied = post(limited, PING, "X-API-Key", VIEWER);
            assertThat(denied.statusCode()).isEqualTo(429);
            assertThat(denied.headers().firstValue("Retry-After")).isPresent();
            assertThat(denied.headers().firstValue("RateLimit-Policy")).isPresent();
            assertThat(JSON.readTree(denied.body()).path("code").asText()).isEqualTo("rate_limited");

            // another principal has its own budget; its MCP client is refused once that is spent too
            assertThat(post(limited, PING, "X-API-Key", OPERATOR).statusCode()).isEqualTo(200);
            assertThatThrownBy(() -> {
                try (McpSyncClient operator = client(limited, OPERATOR)) {
                    for (int i = 0; i < 3; i++) {
                        operator.callTool(CallToolRequest.builder("echo.echo").arguments(Map.of("text", "x")).build());
                    }
                }
            }).hasStackTraceContaining("429");
        } finally {
            limited.stop();
        }
    }

    @Test
    void theRegistrysToolsAreAllListed() throws Exception {
        JsonNode tools = JSON.readTree(post(server, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                "X-API-Key", OPERATOR).body()).path("result").path("tools");

        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.path("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("echo.echo", "echo.numbers", "echo.reset", "echo.resets",
                "echo.fail", "echo.explode");
    }

    @Test
    void builtInAgentsAreToolsAndNestedJsonArgumentsPassThrough() {
        try (TwisterLabServer full = TwisterLabServer.builder(config(Map.of("ratelimit.default", "100000/1s",
                        "database.url", "jdbc:h2:mem:mcp-it;DB_CLOSE_DELAY=-1"))).build().start();
             McpSyncClient viewer = client(full, VIEWER);
             McpSyncClient operator = client(full, OPERATOR)) {
            assertThat(viewer.listTools().tools()).extracting(Tool::name)
                    .contains("monitoring.get_jvm_metrics", "cache.cache_get", "database.execute_query")
                    .doesNotContain("cache.cache_set", "cache.cache_delete");

            CallToolResult jvm = viewer.callTool(CallToolRequest.builder("monitoring.get_jvm_metrics")
                    .arguments(Map.of()).build());
            assertThat(jvm.isError()).as(text(jvm)).isFalse();
            assertThat((Map<?, ?>) jvm.structuredContent()).isNotEmpty();

            Map<String, Object> value = Map.of("nested", List.of(1, Map.of("deep", true)));
            CallToolResult set = operator.callTool(CallToolRequest.builder("cache.cache_set")
                    .arguments(Map.of("key", "mcp:1", "value", value)).build());
            assertThat(set.isError()).as(text(set)).isFalse();
            CallToolResult get = viewer.callTool(CallToolRequest.builder("cache.cache_get")
                    .arguments(Map.of("key", "mcp:1")).build());
            assertThat(get.isError()).as(text(get)).isFalse();
            assertThat(text(get)).contains("\"deep\":true");
        }
    }
}
