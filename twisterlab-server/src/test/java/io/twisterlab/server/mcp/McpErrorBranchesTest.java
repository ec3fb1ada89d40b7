package io.twisterlab.server.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twisterlab.core.AccessPolicy;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.ExecutionContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The error branches of {@link McpEndpoint} no other test reaches: a cursor from a longer tool list (stale), and a
 * failure inside the MCP SDK's handling (-32603 without the failure's text).
 */
class McpErrorBranchesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExecutionContext VIEWER = ExecutionContext.of("vera", Set.of("viewer"), "r1");
    private static final Map<String, String> HEADERS = Map.of("content-type", "application/json");

    private static JsonNode call(McpEndpoint endpoint, String method, Map<String, Object> params) throws Exception {
        McpHttpResponse response = endpoint.handle(McpHttpRequest.of("POST", HEADERS, JSON.writeValueAsString(
                Map.of("jsonrpc", "2.0", "id", 7, "method", method, "params", params)), VIEWER));
        assertThat(response.status()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String cursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("tools:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aCursorPastTheEndOfTheToolListIsStale() throws Exception {
        AgentRegistry registry = AgentRegistry.builder().register(new McpTestAgents.ManyAgent(5))
                .accessPolicy(McpTestAgents.POLICY).build();
        McpEndpoint endpoint = McpEndpoint.builder(registry).accessPolicy(McpTestAgents.POLICY).pageSize(2).build();
        try {
            // a well-formed cursor, but from a list longer than the one the caller sees now
            JsonNode stale = call(endpoint, "tools/list", Map.of("cursor", cursor(50)));
            assertThat(stale.path("id").asInt()).isEqualTo(7);
            assertThat(stale.path("error").path("code").asInt()).isEqualTo(-32602);
            assertThat(stale.path("error").path("message").asText()).contains("the tool list changed");
            assertThat(stale.has("result")).isFalse();
            // the last valid page still answers
            JsonNode last = call(endpoint, "tools/list", Map.of("cursor", cursor(4)));
            assertThat(last.path("result").path("tools")).hasSize(1);
            assertThat(last.path("result").hasNonNull("nextCursor")).isFalse();
        } finally {
            endpoint.close();
            registry.close();
        }
    }

    @Test
    void aFailureInsideTheSdkIsInternalErrorWithoutItsText() throws Exception {
        AccessPolicy broken = (context, agent, capability) -> {
            throw new IllegalStateException("policy store at jdbc:secret://db unavailable");
        };
        AgentRegistry registry = AgentRegistry.builder().register(new McpTestAgents.ManyAgent(2)).build();
        McpEndpoint endpoint = McpEndpoint.builder(registry).accessPolicy(broken).build();
        try {
            JsonNode response = call(endpoint, "tools/list", Map.of());
            assertThat(response.path("id").asInt()).isEqualTo(7);
            assertThat(response.path("error").path("code").asInt()).isEqualTo(-32603);
            assertThat(response.path("error").path("message").asText()).isEqualTo("Internal error");
            assertThat(response.toString()).doesNotContain("secret", "IllegalStateException", "policy store");
        } finally {
            endpoint.close();
            registry.close();
        }
    }
}
