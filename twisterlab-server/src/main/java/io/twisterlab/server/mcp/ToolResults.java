package io.twisterlab.server.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.twisterlab.core.AgentDirectory;
import io.twisterlab.core.AgentError;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.server.http.Problem;
import io.twisterlab.server.http.ProblemMapper;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a tool call through {@link AgentDirectory#execute} (so the registry's access policy, validation, timeout
 * and execution listeners apply) and maps the outcome onto a {@code CallToolResult}:
 *
 * <ul>
 *   <li>success: {@code structuredContent} = the response data when it is a JSON object, else
 *       {@code {"result": data}} (MCP requires an object); the same JSON as one text block;</li>
 *   <li>domain failure, invalid arguments, access denied, unexpected error: {@code isError: true}, a text block
 *       with an actionable message, and {@code structuredContent = {"error": {"code", "message", ...}}};</li>
 *   <li>the agent or capability vanished since the tool list was built: JSON-RPC error -32602 (unknown tool).</li>
 * </ul>
 */
final class ToolResults {
    private static final Logger LOG = LoggerFactory.getLogger(ToolResults.class);

    private final AgentDirectory directory;
    private final ObjectMapper json;

    ToolResults(AgentDirectory directory, ObjectMapper json) {
        this.directory = directory;
        this.json = json;
    }

    CallToolResult call(String toolName, String agent, String capability, @Nullable Map<String, Object> arguments,
                        ExecutionContext caller) {
        AgentResponse response;
        try {
            response = directory.execute(agent, capability, arguments == null ? Map.of() : arguments, caller);
        } catch (RuntimeException e) {
            return failure(e, toolName, caller);
        }
        if (!response.success()) {
            AgentError error = response.findError().orElseThrow();
            return error(orderedMap("code", error.code(), "message", error.message()),
                    toolName + " failed (" + error.code() + "): " + error.message());
        }
        Map<String, Object> structured = structured(response.data());
        return CallToolResult.builder()
                .addTextContent(write(structured))
                .structuredContent(structured)
                .isError(false)
                .build();
    }

    /**
     * A failed call, mapped as the REST API maps it ({@link ProblemMapper}): the problem's code, detail and
     * extensions (violations) become the error; an unknown agent or capability (404) is an unknown tool.
     */
    private CallToolResult failure(RuntimeException e, String toolName, ExecutionContext caller) {
        Optional<Problem> mapped = ProblemMapper.problemOf(e);
        if (mapped.isEmpty()) {
            LOG.error("MCP tool {} failed (request {})", toolName, caller.findRequestId().orElse("-"), e);
            String message = "The tool failed unexpectedly; the server log has details"
                    + caller.findRequestId().map(id -> " under request id " + id).orElse("") + ".";
            return error(orderedMap("code", AgentError.INTERNAL_ERROR, "message", message), message);
        }
        Problem problem = mapped.get();
        String message = switch (problem.status()) {
            case 403 -> problem.detail() + " (roles: " + caller.roles().stream().sorted().toList()
                    + "). Use a credential with a role that may run it, or ask an administrator.";
            case 404 -> throw unknownTool(toolName);
            default -> problem.detail();
        };
        Map<String, Object> error = orderedMap("code", problem.code(), "message", message);
        error.putAll(problem.extensions());
        return error(error, problem.extensions().containsKey("violations")
                ? message + ". Fix the arguments to match the tool's inputSchema and call " + toolName + " again."
                : message);
    }

    static McpError unknownTool(String name) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                .message("Unknown tool: " + name)
                .data("Call tools/list for the tools you may call")
                .build();
    }

    /** MCP's structuredContent must be a JSON object: objects pass as they are, anything else is wrapped. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> structured(@Nullable Object data) {
        if (data instanceof Map<?, ?> map && map.keySet().stream().allMatch(String.class::isInstance)) {
            return (Map<String, Object>) map;
        }
        Map<String, Object> wrapped = new LinkedHashMap<>();
        wrapped.put("result", data);
        return wrapped;
    }

    private CallToolResult error(Map<String, Object> error, String message) {
        return CallToolResult.builder()
                .addTextContent(message)
                .structuredContent(Map.of("error", error))
                .isError(true)
                .build();
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tool result is not serializable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> orderedMap(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
