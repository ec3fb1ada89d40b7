package io.twisterlab.server;

import io.javalin.config.JavalinConfig;
import io.twisterlab.core.AgentRegistry;

/**
 * Adds routes to the server at configuration time (Javalin 7 registers routes in its config), e.g. the MCP
 * endpoint. Routes on {@code /mcp} and {@code /mcp/*} are already behind authentication and rate limiting; a
 * handler finds its caller with {@link TwisterLabServer#principalOf(io.javalin.http.Context)}, and exceptions it
 * throws become problem+json responses like everywhere else.
 *
 * <pre>{@code
 * TwisterLabServer server = TwisterLabServer.builder(config)
 *         .extension((javalin, registry) -> javalin.routes.post("/mcp", ctx -> {
 *             ExecutionContext caller = TwisterLabServer.principalOf(ctx).orElseThrow();
 *             AgentResponse r = registry.execute("monitoring", "get_jvm_metrics", Map.of(), caller);
 *             ...
 *         }))
 *         .build()
 *         .start();
 * }</pre>
 */
@FunctionalInterface
public interface ServerExtension {
    /**
     * @param javalin  the Javalin configuration being built
     * @param registry the registry the server exposes (already built, started with the server)
     */
    void configure(JavalinConfig javalin, AgentRegistry registry);
}
