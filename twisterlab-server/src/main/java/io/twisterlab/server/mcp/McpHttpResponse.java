package io.twisterlab.server.mcp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the MCP endpoint answers: a status, response headers (at least {@code Content-Type} when there is a body)
 * and the body. The hosting server copies them onto its response as they are.
 *
 * <pre>{@code
 * McpHttpResponse r = endpoint.handle(request);
 * ctx.status(r.status());
 * r.headers().forEach(ctx::header);
 * ctx.result(r.body());
 * }</pre>
 *
 * @param status  HTTP status: 200 (JSON-RPC response), 202 (notification or response accepted), or a 4xx/5xx
 * @param headers response headers
 * @param body    response body; empty for 202
 */
public record McpHttpResponse(int status, Map<String, String> headers, byte[] body) {

    public McpHttpResponse {
        headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        body = body.clone();
    }

    /** The {@code Content-Type} header, absent when there is no body. */
    public Optional<String> contentType() {
        return Optional.ofNullable(headers.get("Content-Type"));
    }

    /** The body decoded as UTF-8. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof McpHttpResponse other && status == other.status && headers.equals(other.headers)
                && Arrays.equals(body, other.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, headers, Arrays.hashCode(body));
    }

    @Override
    public String toString() {
        return "McpHttpResponse[" + status + ", " + headers + ", " + bodyAsString() + "]";
    }
}
