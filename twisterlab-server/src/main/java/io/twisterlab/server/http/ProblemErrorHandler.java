package io.twisterlab.server.http;

import io.twisterlab.server.observe.AccessLog;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Jetty's own errors (malformed request line or URI, headers too large, ...) happen before Javalin sees the
 * request; this handler makes them problem+json too, without messages, causes or stacks.
 *
 * <p>Each gets a fresh request id, in the body ({@code request_id}), the {@code X-Request-ID} header and one
 * access-log line: the request's own {@code X-Request-ID} is not used, since the request is malformed (its headers
 * may not even have been read). {@code instance} is the raw request path when it is plain RFC 3986 path text
 * without percent-encoded control characters; otherwise (and when Jetty could not parse the request line at all,
 * as for {@code %00} in the URI) the member is omitted rather than echoing hostile bytes or a placeholder.
 */
final class ProblemErrorHandler extends ErrorHandler {
    /** Unreserved, sub-delims, ':', '@', '/' and well-formed percent escapes, bounded. */
    private static final Pattern SAFE_PATH =
            Pattern.compile("/(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2}){0,2047}");
    /** Percent-encoded C0 controls and DEL. */
    private static final Pattern ENCODED_CONTROL = Pattern.compile("%(?:[01][0-9A-Fa-f]|7[Ff])");
    private static final String PLACEHOLDER_METHOD = "BAD";
    private final Json json;

    ProblemErrorHandler(Json json) {
        this.json = json;
        setShowStacks(false);
        setShowCauses(false);
        setShowMessageInTitle(false);
    }

    /** The raw path of the request if it can be shown as is, else null. */
    static @Nullable String safePath(@Nullable String rawPath) {
        if (rawPath == null || !SAFE_PATH.matcher(rawPath).matches() || ENCODED_CONTROL.matcher(rawPath).find()) {
            return null;
        }
        return rawPath;
    }

    static Map<String, Object> body(int status, @Nullable String instance, String requestId) {
        Map<String, Object> body = Problem.forStatus(status).body(instance == null ? "" : instance, requestId);
        if (instance == null) {
            body.remove("instance");
        }
        return body;
    }

    private static @Nullable String rawPath(Request request) {
        if (unparsed(request)) {
            return null;
        }
        try {
            HttpURI uri = request.getHttpURI();
            return uri == null ? null : uri.getPath();
        } catch (RuntimeException e) {
            return null; // a request Jetty could not parse may not have a usable URI
        }
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        String requestId = UUID.randomUUID().toString();
        String path = safePath(rawPath(request));
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, ProblemResponses.PROBLEM_JSON);
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Request-ID", requestId);
        MDC.put("request_id", requestId);
        try {
            AccessLog.rejected(safeMethod(request), path == null ? "-" : path, code, Request.getRemoteAddr(request));
        } finally {
            MDC.remove("request_id");
        }
        response.write(true, ByteBuffer.wrap(json.write(body(code, path, requestId))), callback);
    }

    private static String safeMethod(Request request) {
        String method = request.getMethod();
        return !unparsed(request) && method != null && method.matches("[A-Z]{1,16}") ? method : "-";
    }

    /**
     * When the request line itself is rejected (e.g. {@code %00} in the URI), Jetty answers for a placeholder
     * request {@code BAD /badMessage}: neither is the client's.
     */
    private static boolean unparsed(Request request) {
        return PLACEHOLDER_METHOD.equals(request.getMethod());
    }
}
