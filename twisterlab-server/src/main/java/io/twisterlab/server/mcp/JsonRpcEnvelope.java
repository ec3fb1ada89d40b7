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
import io.modelcontextprotocol.spec.McpSchema.ErrorCodes;
import io.twisterlab.server.http.Json;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The HTTP and JSON-RPC envelope of an MCP message, before the SDK sees it: the transport checks (method, Origin,
 * {@code MCP-Protocol-Version}, media types, size, shutdown) answered as {@code application/problem+json}, strict
 * parsing, and the JSON-RPC 2.0 message checks answered as JSON-RPC errors; and the responses
 * {@link McpEndpoint} sends. See {@link McpEndpoint} for the status and error code of each case.
 *
 * <pre>{@code
 * JsonRpcEnvelope.Message message = envelope.open(request, transport::isClosing);
 * if (message instanceof JsonRpcEnvelope.Answered answered) {
 *     return answered.response();
 * }
 * // a Notification or a Request: hand it to the SDK; answer 202, or envelope.result(sdkResponse)
 * }</pre>
 */
final class JsonRpcEnvelope {
    static final String APPLICATION_JSON = "application/json";
    private static final String PROBLEM_JSON = "application/problem+json";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /** What {@link #open} makes of a request. */
    sealed interface Message permits Answered, Notification, Request {
    }

    /** Refused by a check, or a JSON-RPC response to accept: send {@code response} as is. */
    record Answered(McpHttpResponse response) implements Message {
    }

    /** A valid JSON-RPC notification. */
    record Notification(String method, @Nullable Map<String, Object> params) implements Message {
    }

    /** A valid JSON-RPC request; {@code id} is a {@code String} or a {@code Long}. */
    record Request(Object id, String method, @Nullable Map<String, Object> params) implements Message {
    }

    private final ObjectMapper json;
    /**
     * Strict parsing of incoming messages: trailing content and duplicate keys are parse errors, and the limits
     * of every JSON entrance ({@link Json#readConstraints}) apply.
     */
    private final ObjectReader strictReader;
    private final Set<String> allowedOrigins;
    private final int maxRequestBytes;

    JsonRpcEnvelope(ObjectMapper json, Collection<String> allowedOrigins, int maxRequestBytes) {
        this.json = json;
        this.strictReader = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(Json.readConstraints(maxRequestBytes))
                        .build())
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // as on the REST path: numbers are BigDecimal, so one bound check covers both entrances
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build()
                .reader();
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.maxRequestBytes = maxRequestBytes;
    }

    /** Checks the HTTP request and the JSON-RPC message in it; {@code closing} is asked after the header checks. */
    Message open(McpHttpRequest request, BooleanSupplier closing) {
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
        if (version.isPresent() && !McpEndpoint.PROTOCOL_VERSIONS.contains(version.get().trim())) {
            return problem(400, "Bad Request", "Unsupported MCP-Protocol-Version '" + version.get()
                    + "'; supported versions: " + String.join(", ", McpEndpoint.PROTOCOL_VERSIONS), Map.of());
        }
        if (!mediaTypeIs(request.header("Content-Type").orElse(""), APPLICATION_JSON)) {
            return problem(415, "Unsupported Media Type", "Send the JSON-RPC message with Content-Type: "
                    + APPLICATION_JSON, Map.of());
        }
        if (!acceptsJson(request.headers().get("Accept"))) {
            return problem(406, "Not Acceptable", "This endpoint answers with application/json; "
                    + "send Accept: application/json, text/event-stream", Map.of());
        }
        if (closing.getAsBoolean()) {
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
            return answered(rpcError(400, null, ErrorCodes.PARSE_ERROR, "Parse error: the body is not valid JSON"));
        }
        if (message == null || message.isMissingNode()) {
            return answered(rpcError(400, null, ErrorCodes.PARSE_ERROR, "Parse error: the body is empty"));
        }
        if (message.isArray()) {
            return answered(rpcError(400, null, ErrorCodes.INVALID_REQUEST, "Invalid Request: JSON-RPC batches "
                    + "are not supported; send one message per POST"));
        }
        if (!message.isObject()) {
            return answered(rpcError(400, null, ErrorCodes.INVALID_REQUEST, "Invalid Request: a JSON-RPC message "
                    + "is a JSON object"));
        }
        return validate((ObjectNode) message);
    }

    private Message validate(ObjectNode message) {
        JsonNode idNode = message.get("id");
        boolean validId = idNode != null && (idNode.isTextual() || (idNode.isIntegralNumber() && idNode.canConvertToLong()));
        @Nullable Object id = validId ? (idNode.isTextual() ? idNode.textValue() : (Object) idNode.longValue()) : null;
        JsonNode version = message.get("jsonrpc");
        if (version == null || !"2.0".equals(version.textValue())) {
            return answered(rpcError(400, id, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"jsonrpc\" must be "
                    + "\"2.0\""));
        }
        JsonNode methodNode = message.get("method");
        if (methodNode == null) {
            if (validId && (message.has("result") || message.has("error"))) {
                return answered(accepted()); // a response; this stateless server sends no requests, none awaits it
            }
            return answered(rpcError(400, id, ErrorCodes.INVALID_REQUEST, "Invalid Request: a request or "
                    + "notification needs a \"method\""));
        }
        if (!methodNode.isTextual()) {
            return answered(rpcError(400, id, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"method\" must be a "
                    + "string"));
        }
        JsonNode paramsNode = message.get("params");
        if (paramsNode != null && !paramsNode.isNull() && !paramsNode.isObject()) {
            return answered(rpcError(400, id, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"params\" must be an "
                    + "object"));
        }
        @Nullable Map<String, Object> params = paramsNode == null || paramsNode.isNull() ? null
                : json.convertValue(paramsNode, MAP);
        Optional<String> outOfRange = params == null ? Optional.empty() : Json.numberOutOfRange("params", params);
        if (outOfRange.isPresent()) {
            return answered(rpcError(validId ? 200 : 400, id, ErrorCodes.INVALID_PARAMS, "Invalid params: "
                    + outOfRange.get()));
        }
        String method = methodNode.textValue();
        if (idNode == null) {
            return new Notification(method, params);
        }
        if (!validId) {
            return answered(rpcError(400, null, ErrorCodes.INVALID_REQUEST, "Invalid Request: \"id\" must be a "
                    + "string or an integer"));
        }
        return new Request(Objects.requireNonNull(id), method, params);
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

    // --- responses -----------------------------------------------------------------------------------------------

    /** A JSON-RPC result or error message, {@code 200}. */
    McpHttpResponse result(Object message) {
        return json(200, writeBytes(message), APPLICATION_JSON, Map.of());
    }

    McpHttpResponse invalidParams(Object id, String message) {
        return rpcError(200, id, ErrorCodes.INVALID_PARAMS, message);
    }

    McpHttpResponse rpcError(int status, @Nullable Object id, int code, String message) {
        ObjectNode body = json.createObjectNode().put("jsonrpc", "2.0");
        if (id == null) {
            body.putNull("id");
        } else {
            body.putPOJO("id", id);
        }
        body.putObject("error").put("code", code).put("message", message);
        return json(status, writeBytes(body), APPLICATION_JSON, Map.of());
    }

    /** {@code 202} without a body: for notifications and responses. */
    static McpHttpResponse accepted() {
        return new McpHttpResponse(202, Map.of(), new byte[0]);
    }

    private static Answered answered(McpHttpResponse response) {
        return new Answered(response);
    }

    private Answered problem(int status, String title, String detail, Map<String, String> extraHeaders) {
        ObjectNode body = json.createObjectNode()
                .put("type", "about:blank")
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
        return answered(json(status, writeBytes(body), PROBLEM_JSON, extraHeaders));
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
}
