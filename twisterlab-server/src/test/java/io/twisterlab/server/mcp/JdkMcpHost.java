package io.twisterlab.server.mcp;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.twisterlab.core.ExecutionContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hosts an {@link McpEndpoint} at {@code /mcp} on the JDK's HTTP server, the way the Javalin server will: bearer
 * token → principal and roles → {@link ExecutionContext}, 401 without a known token, then {@code handle}.
 */
final class JdkMcpHost implements AutoCloseable {
    /** token → principal, roles. */
    static final Map<String, Map.Entry<String, Set<String>>> TOKENS = Map.of(
            "viewer-token", Map.entry("vera", Set.of("viewer")),
            "operator-token", Map.entry("otto", Set.of("operator")));

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final AtomicLong requestIds = new AtomicLong();

    JdkMcpHost(McpEndpoint endpoint) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/mcp", exchange -> {
            try (exchange) {
                serve(endpoint, exchange);
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/mcp");
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void serve(McpEndpoint endpoint, HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
        Map.Entry<String, Set<String>> identity = TOKENS.get(token);
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        if (identity == null) {
            byte[] problem = "{\"title\":\"Unauthorized\",\"status\":401}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            exchange.sendResponseHeaders(401, problem.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(problem);
            }
            return;
        }
        ExecutionContext caller = ExecutionContext.of(identity.getKey(), identity.getValue(),
                "req-" + requestIds.incrementAndGet());
        McpHttpResponse response = endpoint.handle(new McpHttpRequest(exchange.getRequestMethod(),
                exchange.getRequestHeaders(), body, caller));
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        byte[] out = response.body();
        exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(out);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
