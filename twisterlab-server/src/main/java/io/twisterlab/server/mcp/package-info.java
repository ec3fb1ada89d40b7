/**
 * The Model Context Protocol endpoint of the TwisterLab server: every agent capability as an MCP tool.
 *
 * <p>{@link io.twisterlab.server.mcp.McpEndpoint} is framework-neutral: it takes an HTTP request's method, headers,
 * body and the already authenticated caller ({@link io.twisterlab.server.mcp.McpHttpRequest}) and returns status,
 * headers and body ({@link io.twisterlab.server.mcp.McpHttpResponse}). Authentication, rate limiting and HTTP
 * metrics stay in the hosting server's request path, in front of {@code handle}.
 *
 * {@link io.twisterlab.server.mcp.McpJavalin} mounts it on a Javalin 7 app (the bundled server does this in
 * {@code TwisterLabServer}, behind its auth and rate-limit gate):
 *
 * <pre>{@code
 * McpEndpoint mcp = McpEndpoint.builder(registry).accessPolicy(policy).serverInfo("twisterlab", "1.0.0").build();
 * Javalin.create(cfg -> McpJavalin.register(cfg, mcp, TwisterLabServer::principalOf));
 * }</pre>
 *
 * <p>Null policy: nothing in this package accepts or returns {@code null} unless annotated
 * {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package io.twisterlab.server.mcp;

import org.jspecify.annotations.NullMarked;
