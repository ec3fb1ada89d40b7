package io.twisterlab.server.internal;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own errors (malformed request line or URI, headers too large, ...) happen before Javalin sees the
 * request; this handler makes them problem+json too, without messages, causes or stacks.
 */
final class ProblemErrorHandler extends ErrorHandler {
    private static final String PROBLEM_JSON = "application/problem+json";
    private final Json json;

    ProblemErrorHandler(Json json) {
        this.json = json;
        setShowStacks(false);
        setShowCauses(false);
        setShowMessageInTitle(false);
    }

    private byte[] body(int status) {
        return json.write(Problem.forStatus(status).body("", null));
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        HttpFields.Mutable headers = response.getHeaders();
        headers.put(HttpHeader.CONTENT_TYPE, PROBLEM_JSON);
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put("X-Content-Type-Options", "nosniff");
        response.write(true, ByteBuffer.wrap(body(code)), callback);
    }
}
