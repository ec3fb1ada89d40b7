package io.twisterlab.server.http;

import io.javalin.http.Context;
import io.twisterlab.server.mcp.McpJavalin;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every failure as {@code application/problem+json}: exceptions through {@link ProblemMapper}, bare error
 * statuses, and {@link Error}s. An unexpected failure costs one log line with the request id, never a stack trace a
 * hostile client could repeat to flood the log (it is at debug level).
 */
final class ProblemResponses {
    static final String PROBLEM_JSON = "application/problem+json";
    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponses.class);
    private static final String ATTR_PROBLEM = "tl.problem";

    private final Json json;

    ProblemResponses(Json json) {
        this.json = json;
    }

    void onException(Exception e, Context ctx) {
        write(ctx, ProblemMapper.problemOf(e).orElseGet(() -> {
            LOG.error("unhandled {} on {} {}", e.getClass().getName(), HttpMethods.label(ctx.method().name()),
                    RequestGate.route(ctx));
            LOG.debug("unhandled exception", e);
            return Problem.forStatus(500);
        }));
    }

    void onErrorStatus(Context ctx) {
        // the MCP endpoint's error bodies (JSON-RPC errors, problem details) stay as they are
        if (ctx.attribute(ATTR_PROBLEM) == null && ctx.attribute(McpJavalin.RESPONSE_ATTRIBUTE) == null) {
            write(ctx, Problem.forStatus(ctx.statusCode()));
        }
    }

    /**
     * A {@link Error} (e.g. {@link StackOverflowError}) thrown while handling a request: one log line with the
     * request id, and a problem+json 500 without internals when the response is still open.
     */
    void onError(HttpServletResponse res, Error error) {
        String requestId = res.getHeader("X-Request-ID");
        LOG.error("{} while handling request {}", error.getClass().getName(), requestId == null ? "-" : requestId);
        LOG.debug("error while handling a request", error);
        res.setStatus(500);
        if (res.isCommitted()) {
            return;
        }
        try {
            res.resetBuffer();
            res.setContentType(PROBLEM_JSON);
            res.getOutputStream().write(json.write(ProblemErrorHandler.body(500, null,
                    requestId == null ? UUID.randomUUID().toString() : requestId)));
        } catch (IOException | IllegalStateException e) {
            LOG.debug("cannot write the 500 problem", e); // the client is gone or the response was taken
        }
    }

    private void write(Context ctx, Problem problem) {
        ctx.attribute(ATTR_PROBLEM, Boolean.TRUE);
        RequestGate.securityHeaders(ctx);
        String requestId = ctx.attribute(RequestGate.ATTR_REQUEST_ID);
        if (requestId != null) {
            ctx.header("X-Request-ID", requestId);
        }
        problem.headers().forEach(ctx::header);
        ctx.status(problem.status()).contentType(PROBLEM_JSON)
                .result(json.write(problem.body(ctx.path(), requestId)));
    }
}
