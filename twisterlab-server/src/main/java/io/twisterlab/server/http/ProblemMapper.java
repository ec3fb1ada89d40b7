package io.twisterlab.server.http;

import io.javalin.http.HttpResponseException;
import io.twisterlab.core.AccessDeniedException;
import io.twisterlab.core.AgentNotFoundException;
import io.twisterlab.core.CapabilityNotFoundException;
import io.twisterlab.core.InvalidArgumentsException;
import io.twisterlab.core.TwisterLabException;
import io.twisterlab.core.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The one mapping of exceptions to problems: the REST API renders the problem as {@code application/problem+json},
 * the MCP endpoint turns the same problem into an {@code isError} tool result.
 *
 * <pre>{@code
 * Problem p = ProblemMapper.problemOf(e).orElseGet(() -> {
 *     log.error("unhandled {}", e.getClass().getName());   // unexpected: one line, the caller's own
 *     return Problem.forStatus(500);
 * });
 * }</pre>
 */
public final class ProblemMapper {
    private ProblemMapper() {
    }

    /**
     * The problem for an expected exception: itself for a {@link Problem}; 400 with {@code violations} for invalid
     * arguments; 404 for an unknown agent or capability; 403 for access denied; 400 for any other domain exception;
     * the status of a framework {@link HttpResponseException}. Empty for an unexpected exception, which the caller
     * logs and answers with a 500 {@code internal_error} that shows no internals.
     */
    public static Optional<Problem> problemOf(Exception e) {
        return Optional.ofNullable(known(e));
    }

    private static @Nullable Problem known(Exception e) {
        if (e instanceof Problem p) {
            return p;
        }
        if (e instanceof InvalidArgumentsException ia) {
            List<Object> violations = new ArrayList<>();
            for (Violation v : ia.violations()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("field", v.field());
                m.put("code", v.code());
                m.put("message", v.message());
                violations.add(m);
            }
            return new Problem(400, ia.code(), "Invalid Arguments", ia.getMessage(), Map.of("violations", violations),
                    Map.of());
        }
        if (e instanceof AgentNotFoundException || e instanceof CapabilityNotFoundException) {
            return Problem.notFound(((TwisterLabException) e).code(), ((TwisterLabException) e).getMessage());
        }
        if (e instanceof AccessDeniedException ad) {
            return new Problem(403, ad.code(), "Forbidden", ad.getMessage());
        }
        if (e instanceof TwisterLabException t) {
            return Problem.badRequest(t.code(), t.getMessage());
        }
        if (e instanceof HttpResponseException h) {
            return Problem.forStatus(h.getStatus());
        }
        return null;
    }
}
