package io.twisterlab.server.mcp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ErrorCodes;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import io.twisterlab.core.AccessPolicy;
import io.twisterlab.core.AgentDirectory;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.server.http.Json;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The MCP endpoint: every capability of an {@link AgentDirectory} as a Model Context Protocol tool named
 * {@code <agent>.<capability>}, over the <em>streamable HTTP</em> transport (protocol 2025-11-25; clients that
 * negotiate 2025-06-18 or 2025-03-26 are served too), stateless, with plain JSON responses.
 *
 * <p>It is framework-neutral: {@link #handle(McpHttpRequest)} takes the HTTP method, headers, body and the caller
 * the hosting server authenticated, and returns status, headers and body. Authentication, rate limiting and HTTP
 * metrics therefore stay in the server's own request path, in front of this call. Tool calls run through
 * {@link AgentDirectory#execute}, so the registry's access policy, argument validation, timeouts and
 * {@code ExecutionListener}s (metrics, audit) apply exactly as for the REST API.
 *
 * <pre>{@code
 * McpEndpoint mcp = McpEndpoint.builder(registry)
 *         .accessPolicy(policy)                       // the registry's policy: tools/list shows what the caller may call
 *         .serverInfo("twisterlab", "1.0.0")
 *         .allowedOrigins(List.of("http://localhost:6274"))
 *         .build();
 * McpHttpResponse response = mcp.handle(McpHttpRequest.of("POST", headers, body,
 *         ExecutionContext.of("alice", Set.of("viewer"), requestId)));
 * }</pre>
 *
 * <h2>Protocol</h2>
 * <ul>
 *   <li>{@code POST}: one JSON-RPC 2.0 message per request. Requests ({@code initialize}, {@code ping},
 *       {@code tools/list}, {@code tools/call}) get {@code 200} with the JSON-RPC response; notifications and
 *       responses get {@code 202} with no body. JSON-RPC batches are refused ({@code -32600}): MCP 2025-06-18
 *       removed them, and a batch would let one HTTP request (one rate-limit permit) carry many tool calls.</li>
 *   <li>{@code GET} and {@code DELETE}: {@code 405} ({@code Allow: POST}): no server-initiated SSE stream, no
 *       sessions.</li>
 *   <li>Transport checks, answered with {@code application/problem+json}: an {@code Origin} header not in the
 *       allow-list → 403 (requests without {@code Origin}, i.e. non-browser clients, pass); an unsupported
 *       {@code MCP-Protocol-Version} → 400; a body that is not {@code application/json} → 415; an {@code Accept}
 *       header that excludes JSON → 406; a body over the limit → 413; after {@link #close()} → 503.</li>
 *   <li>JSON-RPC errors: malformed JSON → {@code -32700} (HTTP 400); a message that is not a valid JSON-RPC
 *       request or notification → {@code -32600} (HTTP 400); unknown method → {@code -32601}; unknown tool, bad
 *       params or a bad {@code tools/list} cursor → {@code -32602} (HTTP 200).</li>
 *   <li>{@code tools/list} lists only the tools the {@link AccessPolicy} lets the caller execute, in pages of
 *       {@link Builder#pageSize(int)} with an opaque {@code nextCursor}. A {@code tools/call} of a tool the caller
 *       may not run is refused with {@code isError: true} and error code {@code forbidden} (not a JSON-RPC error:
 *       the model sees an actionable message, as it does for argument violations).</li>
 *   <li>Results: {@code structuredContent} is the capability's data when that is a JSON object, otherwise
 *       {@code {"result": <data>}} (MCP requires an object), and the same JSON is the text content block.
 *       Failures are {@code isError: true} with a human message as text and
 *       {@code structuredContent = {"error": {"code": ..., "message": ..., "violations": [...]}}}.</li>
 * </ul>
 *
 * <h2>Why this class hand-writes the HTTP layer</h2>
 * The MCP Java SDK (2.1) does the protocol: {@code initialize} negotiation, {@code ping}, method dispatch,
 * {@code tools/list} filtering per caller ({@code McpSyncListFilter}) and {@code tools/call} routing, through its
 * stateless server ({@code McpServer.sync(McpStatelessServerTransport)}), with the caller passed to tool handlers
 * in the {@code McpTransportContext}. Its only HTTP binding is a servlet, so this class implements the transport
 * SPI itself and adds what the SDK does not do: Origin allow-list by exact match, JSON-RPC envelope validation with
 * the right error codes (the SDK answers most malformed input with -32600 or -32603 and exception text),
 * {@code tools/list} pagination (the SDK returns every tool in one page), keeping the tools in step with agents
 * registered at run time, and sanitising internal errors.
 */
public final class McpEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(McpEndpoint.class);

    /** The protocol version this endpoint implements. */
    public static final String LATEST_PROTOCOL_VERSION = "2025-11-25";
    /** Oldest first; the SDK answers an unknown requested version with the last one. */
    static final List<String> PROTOCOL_VERSIONS = List.of("2025-03-26", "2025-06-18", LATEST_PROTOCOL_VERSION);
    /** Key of the caller's {@link ExecutionContext} in the SDK's {@code McpTransportContext}. */
    static final String CALLER_KEY = "io.twisterlab.mcp.caller";

    private static final String APPLICATION_JSON = "application/json";
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String CURSOR_PREFIX = "tools:";
    /** Client text that may go into a log line as is: short, one line, no control characters. */
    private static final Pattern LOGGABLE = Pattern.compile("[\\p{Graph} ]{1,200}");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ObjectMapper json;
    /**
     * Strict parsing of incoming messages: trailing content and duplicate keys are parse errors, and the limits
     * of every JSON entrance ({@link Json#readConstraints}) apply.
     */
    private final ObjectReader strictReader;
    private final StatelessTransport transport;
    private final McpStatelessSyncServer server;
    private final ToolCatalog catalog;
    private final Set<String> allowedOrigins;
    private final int pageSize;
    private final int maxRequestBytes;

    private McpEndpoint(Builder builder) {
        this.json = new ObjectMapper();
        this.strictReader = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(Json.readConstraints(builder.maxRequestBytes))
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // as on the REST path: numbers are BigDecimal, so one bound check covers both entrances
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build()
                .reader();
        this.transport = new StatelessTransport();
        this.catalog = new ToolCatalog(builder.directory, builder.accessPolicy,
                new ToolResults(builder.directory, json));
        this.allowedOrigins = Set.copyOf(builder.allowedOrigins);
        this.pageSize = builder.pageSize;
        this.maxRequestBytes = builder.maxRequestBytes;
        this.server = McpServer.sync(transport)
                .serverInfo(McpSchema.Implementation.builder(builder.serverName, builder.serverVersion)
                        .title(builder.serverTitle)
                        .build())
                .instructions(builder.instructions)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(new JacksonMcpJsonMapper(json))
                .jsonSchemaValidator(new DefaultJsonSchemaValidator(json))
                // The capability's own validation (defaults, every violation at once) is the single source of truth.
                .validateToolInputs(false)
                // Run tools on the request thread: no Reactor scheduler, MDC and request-scoped state stay visible.
                .immediateExecution(true)
                .addToolFilter(catalog::isVisible)
                .build();
        catalog.sync(server);
    }

    /** Starts an endpoint over {@code directory} (usually the server's {@code AgentRegistry}). */
    public static Builder builder(AgentDirectory directory) {
        return new Builder(directory);
    }

    /** The MCP protocol versions this endpoint accepts, oldest first. */
    public static List<String> supportedProtocolVersions() {
        return PROTOCOL_VERSIONS;
    }

    /**
     * Handles one HTTP request to the MCP endpoint. Never throws for bad input: every problem becomes a status and
     * body as described in the class comment.
     */
    public McpHttpResponse handle(McpHttpRequest request) {
        String method = request.method().toUpperCase(Locale.ROOT);
        if (!method.equals("POST")) {
            return problem(405, "Method Not Allowed", "The MCP endpoint is stateless: POST one JSON-RPC message per "
                    + "request. There is no SSE stream (GET) and no session to end (DELETE).", Map.of("Allow", "POST"));
        }
        Optional<String> origin = request.header("Origin");
        if (origin.isPresent() && !allowedOrigins.contains(origin.get().trim())) {
            return problem(403, "Forbidden", "Origin '" + origin.get() + "' may not call this MCP endpoint; "
                    + "add it to the allowed origins to use it from a browser.", Map.of());
        }
        Optional<String> version = request.header("MCP-Protocol-Version");
        if (version.isPresent() && !PROTOCOL_VERSIONS.contains(version.get().trim())) {
            return problem(400, "Bad Request", "Unsupported MCP-Protocol-Version '" + version.get()
                    + "'; supported versions: " + String.join(", ", PROTOCOL_VERSIONS), Map.of());
        }
        if (!mediaTypeIs(request.header("Content-Type").orElse(""), APPLICATION_JSON)) {
            return problem(415, "Unsupported Media Type", "Send the JSON-RPC message with Content-Type: "
                    + APPLICATION_JSON, Map.of());
        }
        if (!acceptsJson(request.headers().get("Accept"))) {
            return problem(406, "Not Acceptable", "This endpoint answers with application/json; "
                    + "send Accept: application/json, text/event-stream", Map.of());
        }
        if (transport.isClosing()) {
            return problem(503, "Service Unavailable", "The MCP endpoint is shutting down", Map.of());
        }
        byte[] body = request.body();
        if (body.length > maxRequestBytes) {
            return problem(413, "Content Too Large", "The JSON-RPC message is larger than " + maxRequestBytes
                    + " bytes", Map.of());
        }
        JsonNode message;
        try {
            message = strictReader.readTree(body);
        } catch (IOException | NumberFormatException e) { // NumberFormatException: an exponent beyond BigDecimal
            return rpcError(400, null, ErrorCodes.PARSE_ERROR, "Parse error: the body is not valid JSON");
        }
        if (message == null || message.isMissingNode()) {
            return rpcError(400, null, ErrorCodes.PARSE_ERROR, "Parse error: the body is empty");
        }
        if (message.isArray()) {
            return rpcError(400, null, ErrorCodes.INVALID_REQUEST, "Invalid Request: JSON-RPC batches are not "
                    + "supported; send one message per POST");
        }
        if (!message.isObject()) {
            return rpcError(400, null, ErrorCodes.INVALID_REQUEST, "Invalid Request: a JSON-RPC message is a JSON "
                    + "object");
        }
        catalog.sync(server);
        return dispatch((ObjectNode) message, request.caller());
    }

    private McpHttpResponse dispatch(ObjectNode message, ExecutionContext caller) {
        JsonNode idNode = message.get("id");
        boolean validId = idNode != null && (idNode.isTextual() || idNode.isIntegralNumber() && idNode.canConvertToLong());
        @Nullable Object id = validId ? (idNode.isTextual() ? idNode.textValue() : (Object) idNode.longValue()) : null;
        JsonNode version = message.get("jsonrpc");
        if (version == null || !"2.0".equals(version.textValue())) {
            return rpcError(400, id, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
        }
        JsonNode methodNode = message.get("method");
        if (methodNode == null) {
            if (validId && (message.has("result") || message.has("error"))) {
                return accepted(); // a response; this stateless server sends no requests, so nothing awaits it
            }
            return rpcError(400, id, ErrorCodes.INVALID_REQUEST, "Invalid Request: a request or notification needs "
                    + "a \"method\"");
        }
        if (!methodNode.isTextual()) {
            return rpcError(400, id, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"method\" must be a string");
        }
        JsonNode paramsNode = message.get("params");
        if (paramsNode != null && !paramsNode.isNull() && !paramsNode.isObject()) {
            return rpcError(400, id, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"params\" must be an object");
        }
        @Nullable Map<String, Object> params = paramsNode == null || paramsNode.isNull() ? null
                : json.convertValue(paramsNode, MAP);
        Optional<String> outOfRange = params == null ? Optional.empty() : Json.numberOutOfRange(params);
        if (outOfRange.isPresent()) {
            return rpcError(validId ? 200 : 400, id, ErrorCodes.INVALID_PARAMS, "Invalid params: "
                    + outOfRange.get());
        }
        String method = methodNode.textValue();
        McpTransportContext context = McpTransportContext.create(Map.of(CALLER_KEY, caller));
        if (idNode == null) {
            return notification(method, params, context);
        }
        if (!validId) {
            return rpcError(400, null, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"id\" must be a string or an "
                    + "integer");
        }
        return request(Objects.requireNonNull(id), method, params, context);
    }

    private McpHttpResponse notification(String method, @Nullable Map<String, Object> params,
                                         McpTransportContext context) {
        try {
            transport.handler()
                    .handleNotification(context, new McpSchema.JSONRPCNotification("2.0", method, params))
                    .contextWrite(c -> c.put(McpTransportContext.KEY, context))
                    .block();
        } catch (RuntimeException e) {
            LOG.warn("MCP notification {} failed: {}", loggable(method), e.getClass().getName());
            LOG.debug("MCP notification failure", e);
        }
        return accepted();
    }

    private McpHttpResponse request(Object id, String method, @Nullable Map<String, Object> params,
                                    McpTransportContext context) {
        int offset = 0;
        switch (method) {
            case McpSchema.METHOD_INITIALIZE -> {
                if (params == null || !(params.get("protocolVersion") instanceof String)) {
                    return invalidParams(id, "initialize needs params.protocolVersion (a string), "
                            + "params.capabilities and params.clientInfo");
                }
            }
            case McpSchema.METHOD_TOOLS_CALL -> {
                Object arguments = params == null ? null : params.get("arguments");
                if (params == null || !(params.get("name") instanceof String)
                        || arguments != null && !(arguments instanceof Map)) {
                    return invalidParams(id, "tools/call needs params.name (a string) and optional params.arguments "
                            + "(an object)");
                }
            }
            case McpSchema.METHOD_TOOLS_LIST -> {
                Object cursor = params == null ? null : params.get("cursor");
                if (cursor != null) {
                    int decoded = cursor instanceof String text ? decodeCursor(text) : -1;
                    if (decoded < 0) {
                        return invalidParams(id, "Invalid cursor: pass the nextCursor of the previous tools/list "
                                + "result unchanged, or no cursor for the first page");
                    }
                    offset = decoded;
                }
            }
            default -> {
                // ping, and anything else: the SDK answers, -32601 for methods it does not know
            }
        }
        JSONRPCResponse response;
        try {
            response = transport.handler()
                    .handleRequest(context, new McpSchema.JSONRPCRequest("2.0", method, id, params))
                    .contextWrite(c -> c.put(McpTransportContext.KEY, context))
                    .block();
        } catch (RuntimeException e) {
            LOG.error("MCP request {} failed: {}", loggable(method), e.getClass().getName());
            LOG.debug("MCP request failure", e);
            response = null;
        }
        if (response == null) {
            return rpcError(200, id, ErrorCodes.INTERNAL_ERROR, "Internal error");
        }
        JSONRPCResponse.JSONRPCError error = response.error();
        if (error != null && Objects.equals(error.code(), ErrorCodes.INTERNAL_ERROR)) {
            LOG.warn("MCP request {} failed: {}", loggable(method), loggable(error.message()));
            return rpcError(200, id, ErrorCodes.INTERNAL_ERROR, "Internal error");
        }
        if (error == null && response.result() instanceof McpSchema.ListToolsResult list) {
            if (offset > list.tools().size()) {
                return invalidParams(id, "Invalid cursor: the tool list changed; list again without a cursor");
            }
            int end = Math.min(list.tools().size(), offset + pageSize);
            String next = end < list.tools().size() ? encodeCursor(end) : null;
            response = JSONRPCResponse.result(id, new McpSchema.ListToolsResult(
                    List.copyOf(list.tools().subList(offset, end)), next, list.meta()));
        }
        return json(200, writeBytes(response), APPLICATION_JSON, Map.of());
    }

    /** Stops answering: later requests get 503. */
    @Override
    public void close() {
        server.close();
    }

    // --- helpers -------------------------------------------------------------------------------------------------

    private static String encodeCursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** The offset in a cursor, or -1 if it is not one of ours. */
    static int decodeCursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith(CURSOR_PREFIX)) {
                return -1;
            }
            int offset = Integer.parseInt(text.substring(CURSOR_PREFIX.length()));
            return offset >= 0 ? offset : -1;
        } catch (IllegalArgumentException e) { // also NumberFormatException
            return -1;
        }
    }

    static boolean mediaTypeIs(String header, String mediaType) {
        int semicolon = header.indexOf(';');
        String type = (semicolon < 0 ? header : header.substring(0, semicolon)).trim();
        return type.equalsIgnoreCase(mediaType);
    }

    static boolean acceptsJson(@Nullable List<String> acceptHeaders) {
        if (acceptHeaders == null || acceptHeaders.isEmpty()) {
            return true;
        }
        for (String header : acceptHeaders) {
            for (String range : header.split(",")) {
                if (mediaTypeIs(range, APPLICATION_JSON) || mediaTypeIs(range, "application/*")
                        || mediaTypeIs(range, "*/*")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code text} if it is {@link #LOGGABLE}, else a placeholder: a hostile client cannot forge or flood log lines. */
    static String loggable(@Nullable String text) {
        return text != null && LOGGABLE.matcher(text).matches() ? text : "(not shown)";
    }

    private McpHttpResponse invalidParams(Object id, String message) {
        return rpcError(200, id, ErrorCodes.INVALID_PARAMS, message);
    }

    private McpHttpResponse rpcError(int status, @Nullable Object id, int code, String message) {
        ObjectNode body = json.createObjectNode().put("jsonrpc", "2.0");
        if (id == null) {
            body.putNull("id");
        } else {
            body.putPOJO("id", id);
        }
        body.putObject("error").put("code", code).put("message", message);
        return json(status, writeBytes(body), APPLICATION_JSON, Map.of());
    }

    private McpHttpResponse problem(int status, String title, String detail, Map<String, String> extraHeaders) {
        ObjectNode body = json.createObjectNode()
                .put("type", "about:blank")
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
        return json(status, writeBytes(body), PROBLEM_JSON, extraHeaders);
    }

    private static McpHttpResponse accepted() {
        return new McpHttpResponse(202, Map.of(), new byte[0]);
    }

    private static McpHttpResponse json(int status, byte[] body, String contentType, Map<String, String> extra) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", contentType);
        headers.putAll(extra);
        return new McpHttpResponse(status, headers, body);
    }

    private byte[] writeBytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize an MCP response: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Builder for {@link McpEndpoint}.
     *
     * <pre>{@code
     * McpEndpoint.builder(registry).accessPolicy(policy).serverInfo("twisterlab", version).pageSize(50).build();
     * }</pre>
     */
    public static final class Builder {
        private final AgentDirectory directory;
        private AccessPolicy accessPolicy = AccessPolicy.allowAll();
        private String serverName = "twisterlab";
        private @Nullable String serverTitle = "TwisterLab";
        private String serverVersion = "dev";
        private String instructions = "Each tool is a TwisterLab agent capability named <agent>.<capability>. "
                + "Tools with readOnlyHint only read state; the others change it. Arguments are validated against "
                + "the tool's inputSchema; a result with isError explains what to fix.";
        private Collection<String> allowedOrigins = List.of();
        private int pageSize = 100;
        private int maxRequestBytes = 1024 * 1024;

        private Builder(AgentDirectory directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /**
         * The policy that decides which tools {@code tools/list} shows a caller. Pass the registry's own policy:
         * {@code tools/call} is always checked by the registry itself. Default: everything is listed.
         */
        public Builder accessPolicy(AccessPolicy accessPolicy) {
            this.accessPolicy = Objects.requireNonNull(accessPolicy, "accessPolicy");
            return this;
        }

        /** Name and version reported in the {@code initialize} result. */
        public Builder serverInfo(String name, String version) {
            this.serverName = Objects.requireNonNull(name, "name");
            this.serverVersion = Objects.requireNonNull(version, "version");
            return this;
        }

        /** Human-readable title reported in the {@code initialize} result; default {@code TwisterLab}. */
        public Builder serverTitle(@Nullable String title) {
            this.serverTitle = title;
            return this;
        }

        /** Instructions for the model, reported in the {@code initialize} result. */
        public Builder instructions(String instructions) {
            this.instructions = Objects.requireNonNull(instructions, "instructions");
            return this;
        }

        /**
         * Browser origins allowed to call the endpoint, compared exactly (e.g. {@code http://localhost:6274}).
         * Requests without an {@code Origin} header (non-browser clients) are always allowed. Default: none.
         */
        public Builder allowedOrigins(Collection<String> origins) {
            this.allowedOrigins = List.copyOf(origins);
            return this;
        }

        /** Tools per {@code tools/list} page, 1 to 1000; default 100. */
        public Builder pageSize(int pageSize) {
            if (pageSize < 1 || pageSize > 1000) {
                throw new IllegalArgumentException("pageSize must be between 1 and 1000: " + pageSize);
            }
            this.pageSize = pageSize;
            return this;
        }

        /** Largest accepted JSON-RPC message in bytes; default 1 MiB. The server's own body limit may be lower. */
        public Builder maxRequestBytes(int maxRequestBytes) {
            if (maxRequestBytes < 1) {
                throw new IllegalArgumentException("maxRequestBytes must be positive: " + maxRequestBytes);
            }
            this.maxRequestBytes = maxRequestBytes;
            return this;
        }

        public McpEndpoint build() {
            return new McpEndpoint(this);
        }
    }
}
