package io.twisterlab.server.mcp;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.twisterlab.core.ExecutionContext;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Serves an {@link McpEndpoint} on a Javalin 7 app at {@code /mcp}: {@code POST} carries the JSON-RPC messages,
 * {@code GET} and {@code DELETE} answer 405 as the stateless streamable HTTP transport requires. Authentication,
 * rate limiting and HTTP metrics are the app's own before-handlers and request logger on {@code /mcp}; this adapter
 * only reads the caller they established.
 *
 * <pre>{@code
 * Javalin.create(cfg -> {
 *     cfg.routes.beforeMatched("/mcp", authAndRateLimit);          // sets the caller, or answers 401/429
 *     McpJavalin.register(cfg, endpoint, ctx -> Optional.ofNullable(ctx.attribute("caller")));
 * });
 * }</pre>
 */
public final class McpJavalin {
    /** The route the endpoint is served on. */
    public static final String PATH = "/mcp";
    /**
     * Request attribute holding the {@link McpHttpResponse} once the endpoint answered. Its 4xx bodies are JSON-RPC
     * errors or problem details already: an app's error-status handlers should leave such responses alone.
     */
    public static final String RESPONSE_ATTRIBUTE = "io.twisterlab.mcp.response";

    private McpJavalin() {
    }

    /**
     * Adds {@code POST}, {@code GET} and {@code DELETE} {@value #PATH} to {@code javalin}.
     *
     * @param callerOf the authenticated caller of a request; a request without one is a server bug (the route must
     *                 be behind authentication) and fails with an exception rather than running as nobody
     */
    public static void register(JavalinConfig javalin, McpEndpoint endpoint,
                                Function<Context, Optional<ExecutionContext>> callerOf) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(callerOf, "callerOf");
        Handler handler = ctx -> serve(ctx, endpoint, callerOf);
        javalin.routes.post(PATH, handler);
        javalin.routes.get(PATH, handler);
        javalin.routes.delete(PATH, handler);
    }

    private static void serve(Context ctx, McpEndpoint endpoint,
                              Function<Context, Optional<ExecutionContext>> callerOf) {
        ExecutionContext caller = callerOf.apply(ctx).orElseThrow(() -> new IllegalStateException(
                PATH + " reached without an authenticated caller; it must be behind the authentication filter"));
        McpHttpResponse response = endpoint.handle(McpHttpRequest.of(ctx.method().name(), ctx.headerMap(),
                ctx.bodyAsBytes(), caller));
        ctx.attribute(RESPONSE_ATTRIBUTE, response);
        response.headers().forEach(ctx::header);
        ctx.status(response.status()).result(response.body());
    }
}
