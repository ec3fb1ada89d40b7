package io.twisterlab.server.mcp;

import io.twisterlab.core.ExecutionContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One HTTP request to the MCP endpoint, as the hosting server saw it: method, headers (names case-insensitive),
 * raw body, and the caller that the server's authentication established.
 *
 * <pre>{@code
 * ExecutionContext caller = ExecutionContext.of(principal.name(), principal.roles(), requestId);
 * McpHttpRequest request = McpHttpRequest.of("POST", Map.of("Content-Type", "application/json"), body, caller);
 * McpHttpResponse response = endpoint.handle(request);
 * }</pre>
 *
 * @param method  HTTP method, e.g. {@code POST}
 * @param headers request headers; every value of a repeated header
 * @param body    the raw request body (empty for none)
 * @param caller  the authenticated caller: principal, roles and request id
 */
public record McpHttpRequest(String method, Map<String, List<String>> headers, byte[] body, ExecutionContext caller) {

    public McpHttpRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(caller, "caller");
        TreeMap<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, values) -> copy.merge(name, List.copyOf(values), (a, b) -> {
            List<String> merged = new ArrayList<>(a);
            merged.addAll(b);
            return List.copyOf(merged);
        }));
        headers = Collections.unmodifiableMap(copy);
        body = body.clone();
    }

    /** A request whose headers have one value each, as most frameworks expose them (e.g. Javalin's {@code headerMap()}). */
    public static McpHttpRequest of(String method, Map<String, String> headers, byte[] body, ExecutionContext caller) {
        Map<String, List<String>> multi = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, value) -> multi.put(name, List.of(value)));
        return new McpHttpRequest(method, multi, body, caller);
    }

    /** A request with a UTF-8 text body. */
    public static McpHttpRequest of(String method, Map<String, String> headers, String body, ExecutionContext caller) {
        return of(method, headers, body.getBytes(StandardCharsets.UTF_8), caller);
    }

    /** The first value of a header, looked up case-insensitively. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof McpHttpRequest other && method.equals(other.method) && headers.equals(other.headers)
                && Arrays.equals(body, other.body) && caller.equals(other.caller);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, headers, Arrays.hashCode(body), caller);
    }

    @Override
    public String toString() {
        return "McpHttpRequest[" + method + ", " + body.length + " bytes, caller=" + caller.principal() + "]";
    }
}
