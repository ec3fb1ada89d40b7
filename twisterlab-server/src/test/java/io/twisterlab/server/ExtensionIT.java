package io.twisterlab.server;

import static io.twisterlab.server.Fixture.VIEWER;
import static io.twisterlab.server.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.ExecutionContext;
import io.twisterlab.core.testing.EchoAgent;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An extension route under /mcp/* (the built-in MCP endpoint owns /mcp) sits behind the same auth, rate limiting
 * and problem handling.
 */
class ExtensionIT {
    @Test
    void routeUnderMcpIsGatedAndSeesTheCaller() {
        ServerConfig config = ServerConfig.fromSettings(Map.of("server.port", "0", "ratelimit.default", "2/1m",
                "auth.api_keys", ServerConfig.apiKeyEntry("viewer", ServerConfig.Role.VIEWER, VIEWER)));
        try (TwisterLabServer server = TwisterLabServer.builder(config).discoverAgents(false)
                .agent(new EchoAgent())
                .extension((javalin, registry) -> javalin.routes.post("/mcp/ext", ctx -> {
                    ExecutionContext caller = TwisterLabServer.principalOf(ctx).orElseThrow();
                    if (ctx.queryParam("fail") != null) {
                        throw new IllegalStateException("internal detail");
                    }
                    ctx.json(Map.of("principal", caller.principal(), "agents", registry.agents().size(),
                            "viewer", caller.hasRole("viewer"), "operator", caller.hasRole("operator")));
                }))
                .build().start();
             Fixture client = new Fixture(Map.of())) {
            HttpRequest.Builder post = HttpRequest.newBuilder(server.baseUri().resolve("/mcp/ext"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}"));
            ServerRoutesIT.assertProblem(client.send(post.build()), 401, "unauthorized");

            HttpResponse<String> ok = client.send(post.header("X-API-Key", VIEWER).build());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.headers().firstValue("RateLimit")).isPresent();
            assertThat(json(ok).path("principal").asText()).isEqualTo("viewer");
            assertThat(json(ok).path("agents").asInt()).isEqualTo(1);
            assertThat(json(ok).path("viewer").asBoolean()).isTrue();
            assertThat(json(ok).path("operator").asBoolean()).isFalse();

            HttpResponse<String> failed = client.send(HttpRequest.newBuilder(
                            server.baseUri().resolve("/mcp/ext?fail=1"))
                    .header("X-API-Key", VIEWER).POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            ServerRoutesIT.assertProblem(failed, 500, "internal_error");
            assertThat(failed.body()).doesNotContain("internal detail");

            HttpResponse<String> limited = client.send(HttpRequest.newBuilder(server.baseUri().resolve("/mcp/ext"))
                    .header("X-API-Key", VIEWER).POST(HttpRequest.BodyPublishers.ofString("{}")).build());
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(json(limited).path("code").asText()).isEqualTo("rate_limited");
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        }
    }
}
