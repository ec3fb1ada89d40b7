package io.twisterlab.server.mcp;

import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * The SDK's stateless transport SPI without any HTTP framework: the SDK server hands us its JSON-RPC handler,
 * and {@link McpEndpoint} calls it from whatever HTTP stack hosts the endpoint. (The SDK's own
 * {@code HttpServletStatelessServerTransport} is a servlet; Javalin 7 routes are not servlets, and we want auth,
 * rate limiting and metrics to stay in the server's own request path.)
 */
final class StatelessTransport implements McpStatelessServerTransport {
    private volatile @Nullable McpStatelessServerHandler handler;
    private volatile boolean closing;

    @Override
    public void setMcpHandler(McpStatelessServerHandler mcpHandler) {
        this.handler = mcpHandler;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> closing = true);
    }

    @Override
    public List<String> protocolVersions() {
        return McpEndpoint.PROTOCOL_VERSIONS;
    }

    boolean isClosing() {
        return closing;
    }

    McpStatelessServerHandler handler() {
        McpStatelessServerHandler current = handler;
        if (current == null) {
            throw new IllegalStateException("the MCP server has not attached its handler");
        }
        return current;
    }
}
