package io.twisterlab.server.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.ExecutionOutcome;
import io.twisterlab.core.testing.EchoAgent;
import io.twisterlab.core.testing.RecordingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.MAP;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The MCP Java SDK client, over streamable HTTP, against the endpoint hosted on a real HTTP server. */
class McpSdkClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RecordingListener LISTENER = new RecordingListener();
    private static final EchoAgent ECHO = new EchoAgent();
    private static AgentRegistry registry;
    private static McpEndpoint endpoint;
    private static JdkMcpHost host;
    private final List<McpSyncClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        registry = AgentRegistry.builder()
                .register(ECHO)
                .register(new McpTestAgents.ManyAgent(25))
                .accessPolicy(McpTestAgents.POLICY)
                .listener(LISTENER)
                .build();
        registry.start();
        endpoint = McpEndpoint.builder(registry)
                .accessPolicy(McpTestAgents.POLICY)
                .serverInfo("twisterlab", "9.9.9")
                .pageSize(10)
                .build();
        host = new JdkMcpHost(endpoint);
    }

    @AfterAll
    static void stop() {
        host.close();
        endpoint.close();
        registry.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(McpSyncClient::close);
    }

    private McpSyncClient client(String token) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(host.baseUrl())
                .endpoint("/mcp")
                .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
        clients.add(client);
        client.initialize();
        return client;
    }

    private static List<Tool> allTools(McpSyncClient client) {
        List<Tool> tools = new ArrayList<>();
        String cursor = null;
        do {
            McpSchema.ListToolsResult page = client.listTools(cursor);
            assertThat(page.tools()).hasSizeLessThanOrEqualTo(10);
            tools.addAll(page.tools());
            cursor = page.nextCursor();
        } while (cursor != null);
        return tools;
    }

    private static CallToolRequest call(String tool, Map<String, Object> arguments) {
        return CallToolRequest.builder(tool).arguments(arguments).build();
    }

    private static String text(CallToolResult result) {
        assertThat(result.content()).hasSize(1);
        return ((TextContent) result.content().get(0)).text();
    }

    @Test
    void initializeNegotiatesTheLatestProtocolAndAnnouncesTools() {
        McpSyncClient client = client("viewer-token");

        McpSchema.InitializeResult init = client.getCurrentInitializationResult();
        assertThat(init.protocolVersion()).isEqualTo(McpEndpoint.LATEST_PROTOCOL_VERSION);
        assertThat(init.serverInfo().name()).isEqualTo("twisterlab");
        assertThat(init.serverInfo().version()).isEqualTo("9.9.9");
        assertThat(init.capabilities().tools()).isNotNull();
        assertThat(client.ping()).isNotNull();
    }

    @Test
    void viewerListsOnlyQueryToolsWithSchemasAndReadOnlyHints() {
        List<Tool> tools = allTools(client("viewer-token"));

        assertThat(tools).extracting(Tool::name)
                .contains("echo.echo", "echo.numbers", "echo.resets", "echo.explode", "many.c00", "many.c24")
                .doesNotContain("echo.reset", "echo.fail")
                .hasSize(4 + 25);
        Tool echo = tools.stream().filter(t -> t.name().equals("echo.echo")).findFirst().orElseThrow();
        assertThat(echo.description()).isEqualTo("Returns the text it was given, repeated");
        assertThat(echo.annotations().readOnlyHint()).isTrue();
        assertThat(echo.inputSchema())
                .containsEntry("type", "object")
                .containsEntry("required", List.of("text"))
                .containsEntry("additionalProperties", false);
        assertThat(echo.inputSchema().get("properties")).isInstanceOf(Map.class).asInstanceOf(MAP).containsOnlyKeys("text", "times");
    }

    @Test
    void operatorAlsoSeesActionToolsWithoutReadOnlyHint() {
        List<Tool> tools = allTools(client("operator-token"));

        Tool reset = tools.stream().filter(t -> t.name().equals("echo.reset")).findFirst().orElseThrow();
        assertThat(reset.annotations().readOnlyHint()).isFalse();
        assertThat(reset.annotations().destructiveHint()).isTrue();
        assertThat(tools).extracting(Tool::name).contains("echo.fail").hasSize(6 + 25);
    }

    @Test
    void callsAQueryToolWithStructuredContentAndTheSameJsonAsText() throws Exception {
        McpSyncClient client = client("viewer-token");
        int before = LISTENER.events().size();

        CallToolResult result = client.callTool(call("echo.echo", Map.of("text", "hi", "times", 2)));

        assertThat(result.isError()).isFalse();
        assertThat(result.structuredContent()).isEqualTo(Map.of("text", "hihi"));
        assertThat(JSON.readTree(text(result))).isEqualTo(JSON.valueToTree(Map.of("text", "hihi")));
        assertThat(LISTENER.events().subList(before, LISTENER.events().size()))
                .anySatisfy(e -> {
                    assertThat(e.agent()).isEqualTo("echo");
                    assertThat(e.capability()).isEqualTo("echo");
                    assertThat(e.outcome()).isEqualTo(ExecutionOutcome.SUCCESS);
                    assertThat(e.context().principal()).isEqualTo("vera");
                });
    }

    @Test
    void wrapsDataThatIsNotAnObject() {
        CallToolResult result = client("viewer-token").callTool(call("echo.numbers", Map.of()));

        assertThat(result.isError()).isFalse();
        assertThat(result.structuredContent()).isEqualTo(Map.of("result", List.of(1, 2, 3)));
        assertThat(text(result)).isEqualTo("{\"result\":[1,2,3]}");
    }

    @Test
    void badArgumentsAreAToolErrorListingEveryViolation() {
        CallToolResult result = client("viewer-token")
                .callTool(call("echo.echo", Map.of("times", 9, "colour", "red")));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("text", "times", "colour", "inputSchema");
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) ((Map<String, Object>) result.structuredContent())
                .get("error");
        assertThat(error).containsEntry("code", "invalid_arguments");
        assertThat((List<?>) error.get("violations")).hasSize(3);
    }

    @Test
    void aForbiddenToolIsRefusedAsAToolErrorAndCounted() {
        McpSyncClient client = client("viewer-token");
        int before = LISTENER.events().size();

        CallToolResult result = client.callTool(call("echo.reset", Map.of()));

        assertThat(result.isError()).isTrue();
        assertThat(text(result)).contains("'vera' may not execute echo.reset", "viewer");
        assertThat(result.structuredContent()).isEqualTo(Map.of("error", Map.of("code", "forbidden",
                "message", text(result))));
        assertThat(LISTENER.events().subList(before, LISTENER.events().size()))
                .anySatisfy(e -> assertThat(e.outcome()).isEqualTo(ExecutionOutcome.DENIED));
    }

    @Test
    void operatorMayRunActions() {
        int before = ECHO.resets();
        CallToolResult result = client("operator-token").callTool(call("echo.reset", Map.of()));

        assertThat(result.isError()).isFalse();
        assertThat(result.structuredContent()).isEqualTo(Map.of("reset", true, "resets", before + 1));
    }

    @Test
    void domainFailuresAndCrashesAreToolErrorsWithoutInternals() {
        McpSyncClient client = client("operator-token");

        CallToolResult failed = client.callTool(call("echo.fail", Map.of()));
        assertThat(failed.isError()).isTrue();
        assertThat(text(failed)).isEqualTo("echo.fail failed (nope): this capability always fails");

        CallToolResult crashed = client.callTool(call("echo.explode", Map.of()));
        assertThat(crashed.isError()).isTrue();
        assertThat(text(crashed)).contains("internal_error").doesNotContain("secret", "db://");
    }

    @Test
    void anUnknownToolIsAJsonRpcInvalidParamsError() {
        McpSyncClient client = client("viewer-token");

        assertThatThrownBy(() -> client.callTool(call("echo.nope", Map.of())))
                .isInstanceOf(McpError.class)
                .satisfies(e -> assertThat(((McpError) e).getJsonRpcError().code())
                        .isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS));
    }
}
