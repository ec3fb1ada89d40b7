package io.twisterlab.server.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An RFC 9457 problem: thrown by handlers and filters, rendered as {@code application/problem+json} by the
 * exception handler. {@code type} is {@code urn:twisterlab:problem:<code>}.
 */
public final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String title;
    private final transient Map<String, Object> extensions;
    private final transient Map<String, String> headers;
    private final transient @Nullable Map<String, Object> fixedBody;

    public Problem(int status, String code, String title, String detail) {
        this(status, code, title, detail, Map.of(), Map.of());
    }

    public Problem(int status, String code, String title, String detail, Map<String, Object> extensions,
                   Map<String, String> headers) {
        super(Objects.requireNonNull(detail, "detail"), null, false, false);
        this.status = status;
        this.code = code;
        this.title = title;
        this.extensions = Map.copyOf(extensions);
        this.headers = Map.copyOf(headers);
        this.fixedBody = null;
    }

    private Problem(Map<String, Object> fixedBody, Map<String, String> headers) {
        super(String.valueOf(fixedBody.getOrDefault("detail", "Too many requests")), null, false, false);
        this.status = 429;
        this.code = "rate_limited";
        this.title = "Too Many Requests";
        this.extensions = Map.of();
        this.headers = Map.copyOf(headers);
        this.fixedBody = Map.copyOf(fixedBody);
    }

    /** A 429 with the problem body of twisterlab-ratelimit (plus instance, code and request id). */
    public static Problem tooManyRequests(Map<String, Object> rateLimitBody, Map<String, String> headers) {
        return new Problem(rateLimitBody, headers);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    /** The human explanation ({@code detail}), the exception message. */
    public String detail() {
        return Objects.requireNonNull(getMessage()); // both constructors pass one
    }

    /** Members beside the standard ones, e.g. {@code violations}. */
    public Map<String, Object> extensions() {
        return extensions;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The JSON body. */
    public Map<String, Object> body(String instance, @Nullable String requestId) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (fixedBody != null) {
            body.putAll(fixedBody);
            body.putIfAbsent("instance", instance);
            body.putIfAbsent("code", code);
            if (requestId != null) {
                body.putIfAbsent("request_id", requestId);
            }
            return body;
        }
        body.put("type", "urn:twisterlab:problem:" + code.replace('_', '-'));
        body.put("title", title);
        body.put("status", status);
        body.put("detail", getMessage());
        body.put("instance", instance);
        body.put("code", code);
        if (requestId != null) {
            body.put("request_id", requestId);
        }
        extensions.forEach(body::putIfAbsent);
        return body;
    }

    public static Problem badRequest(String code, String detail) {
        return new Problem(400, code, "Bad Request", detail);
    }

    public static Problem unauthorized(String detail) {
        return new Problem(401, "unauthorized", "Unauthorized", detail, Map.of(),
                Map.of("WWW-Authenticate", "Bearer realm=\"twisterlab\""));
    }

    public static Problem forbidden(String detail) {
        return new Problem(403, "forbidden", "Forbidden", detail);
    }

    public static Problem notFound(String code, String detail) {
        return new Problem(404, code, "Not Found", detail);
    }

    /** The standard problem for a bare status code (404 route, 405, 413, 415, 500, ...). */
    public static Problem forStatus(int status) {
        return switch (status) {
            case 400 -> badRequest("bad_request", "The request is malformed.");
            case 401 -> unauthorized("Authentication is required.");
            case 403 -> forbidden("Access denied.");
            case 404 -> notFound("not_found", "No such resource.");
            case 405 -> new Problem(405, "method_not_allowed", "Method Not Allowed",
                    "This method is not allowed on this resource.");
            case 406 -> new Problem(406, "not_acceptable", "Not Acceptable", "No acceptable representation.");
            case 408 -> new Problem(408, "request_timeout", "Request Timeout", "The request took too long to arrive.");
            case 413 -> new Problem(413, "content_too_large", "Content Too Large",
                    "The request body exceeds the configured limit.");
            case 414 -> new Problem(414, "uri_too_long", "URI Too Long", "The request URI is too long.");
            case 415 -> new Problem(415, "unsupported_media_type", "Unsupported Media Type",
                    "Send the body as application/json.");
            case 429 -> new Problem(429, "too_many_requests", "Too Many Requests", "Rate limit exceeded.");
            case 431 -> new Problem(431, "request_header_fields_too_large", "Request Header Fields Too Large",
                    "The request headers are too large.");
            case 501 -> new Problem(501, "not_implemented", "Not Implemented",
                    "The server does not support this request method.");
            case 503 -> new Problem(503, "service_unavailable", "Service Unavailable",
                    "The service is not available.");
            default -> status >= 500
                    ? new Problem(status, "internal_error", "Internal Server Error",
                    "An internal error occurred; the server log has details under the request id.")
                    : new Problem(status, "http_" + status, "HTTP " + status, "The request failed.");
        };
    }
}
