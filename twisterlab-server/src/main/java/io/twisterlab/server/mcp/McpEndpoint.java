package io.twisterlab.server.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 * registered at run time, and sanitising internal errors. The transport checks and the JSON-RPC envelope are in
 * {@code JsonRpcEnvelope}; this class hands the valid messages to the SDK and pages its answers.
 */
public final class McpEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(McpEndpoint.class);

    /** The protocol version this endpoint implements. */
    public static final String LATEST_PROTOCOL_VERSION = "2025-11-25";
    /** Oldest first; the SDK answers an unknown requested version with the last one. */
    static final List<String> PROTOCOL_VERSIONS = List.of("2025-03-26", "2025-06-18", LATEST_PROTOCOL_VERSION);
    /** Key of the caller's {@link ExecutionContext} in the SDK's {@code McpTransportContext}. */
    static final String CALLER_KEY = "io.twisterlab.mcp.caller";

    private static final String CURSOR_PREFIX = "tools:";
    /** Client text that may go into a log line as is: short, one line, no control characters. */
    private static final Pattern LOGGABLE = Pattern.compile("[\\p{Graph} ]{1,200}");

    private final JsonRpcEnvelope envelope;
    private final StatelessTransport transport;
    private final McpStatelessSyncServer server;
    private final ToolCatalog catalog;
    private final int pageSize;

    private McpEndpoint(Builder builder) {
        ObjectMapper json = new ObjectMapper();
        this.envelope = new JsonRpcEnvelope(json, builder.allowedOrigins, builder.maxRequestBytes);
        this.transport = new StatelessTransport();
        this.catalog = new ToolCatalog(builder.directory, builder.accessPolicy,
                new ToolResults(builder.directory, json));
        this.pageSize = builder.pageSize;
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
        JsonRpcEnvelope.Message message = envelope.open(request, transport::isClosing);
        if (message instanceof JsonRpcEnvelope.Answered answered) {
            return answered.response();
        }
        catalog.sync(server);
        McpTransportContext context = McpTransportContext.create(Map.of(CALLER_KEY, request.caller()));
        if (message instanceof JsonRpcEnvelope.Notification notification) {
            return notification(notification.method(), notification.params(), context);
        }
        JsonRpcEnvelope.Request call = (JsonRpcEnvelope.Request) message;
        return request(call.id(), call.method(), call.params(), context);
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
        return JsonRpcEnvelope.accepted();
    }

    private McpHttpResponse request(Object id, String method, @Nullable Map<String, Object> params,
                                    McpTransportContext context) {
        int offset = 0;
        switch (method) {
            case McpSchema.METHOD_INITIALIZE -> {
                if (params == null || !(params.get("protocolVersion") instanceof String)) {
                    return envelope.invalidParams(id, "initialize needs params.protocolVersion (a string), "
                            + "params.capabilities and params.clientInfo");
                }
            }
            case McpSchema.METHOD_TOOLS_CALL -> {
                Object arguments = params == null ? null : params.get("arguments");
                if (params == null || !(params.get("name") instanceof String)
                        || (arguments != null && !(arguments instanceof Map))) {
                    return envelope.invalidParams(id, "tools/call needs params.name (a string) and optional params.arguments "
                            + "(an object)");
                }
            }
            case McpSchema.METHOD_TOOLS_LIST -> {
                Object cursor = params == null ? null : params.get("cursor");
                if (cursor != null) {
                    int decoded = cursor instanceof String text ? decodeCursor(text) : -1;
                    if (decoded < 0) {
                        return envelope.invalidParams(id, "Invalid cursor: pass the nextCursor of the previous tools/list "
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
            return envelope.rpcError(200, id, ErrorCodes.INTERNAL_ERROR, "Internal error");
        }
        JSONRPCResponse.JSONRPCError error = response.error();
        if (error != null && Objects.equals(error.code(), ErrorCodes.INTERNAL_ERROR)) {
            LOG.warn("MCP request {} failed: {}", loggable(method), loggable(error.message()));
            return envelope.rpcError(200, id, ErrorCodes.INTERNAL_ERROR, "Internal error");
        }
        if (error == null && response.result() instanceof McpSchema.ListToolsResult list) {
            if (offset > list.tools().size()) {
                return envelope.invalidParams(id, "Invalid cursor: the tool list changed; list again without a cursor");
            }
            int end = Math.min(list.tools().size(), offset + pageSize);
            String next = end < list.tools().size() ? encodeCursor(end) : null;
            response = JSONRPCResponse.result(id, new McpSchema.ListToolsResult(
                    List.copyOf(list.tools().subList(offset, end)), next, list.meta()));
        }
        return envelope.result(response);
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

    /** {@code text} if it is {@link #LOGGABLE}, else a placeholder: a hostile client cannot forge or flood log lines. */
    static String loggable(@Nullable String text) {
        return text != null && LOGGABLE.matcher(text).matches() ? text : "(not shown)";
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
