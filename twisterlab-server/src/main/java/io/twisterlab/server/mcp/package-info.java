/**
 * The Model Context Protocol endpoint of the TwisterLab server: every agent capability as an MCP tool.
 *
 * <p>{@link io.twisterlab.server.mcp.McpEndpoint} is framework-neutral: it takes an HTTP request's method, headers,
 * body and the already authenticated caller ({@link io.twisterlab.server.mcp.McpHttpRequest}) and returns status,
 * headers and body ({@link io.twisterlab.server.mcp.McpHttpResponse}). Authentication, rate limiting and HTTP
 * metrics stay in the hosting server's request path, in front of {@code handle}.
 *
 * <pre>{@code
 * McpEndpoint mcp = McpEndpoint.builder(registry).accessPolicy(policy).serverInfo("twisterlab", "1.0.0").build();
 * app.post("/mcp", ctx -> McpJavalin.write(ctx, mcp.handle(McpHttpRequest.of(
 *         ctx.method().name(), ctx.headerMap(), ctx.bodyAsBytes(), callerOf(ctx)))));
 * }</pre>
 *
 * <p>Null policy: nothing in this package accepts or returns {@code null} unless annotated
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.twisterlab.server.mcp;

import org.jspecify.annotations.NullMarked;
