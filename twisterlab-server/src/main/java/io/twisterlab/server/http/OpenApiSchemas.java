package io.twisterlab.server.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The response and request shapes of {@link OpenApi}: what the routes of this package write. */
final class OpenApiSchemas {
    private OpenApiSchemas() {
    }

    /** The component name of a capability's input schema, within OpenAPI's {@code [A-Za-z0-9._-]+}. */
    static String inputName(String agent, String capability) {
        return (agent + "." + capability).replaceAll("[^A-Za-z0-9._-]", "_") + ".input";
    }

    /** Every fixed schema, in a mutable map the capability inputs are added to. */
    static Map<String, Object> fixed() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("Problem", object(List.of("type", "title", "status", "code"),
                "type", str(), "title", str(), "status", integer(), "detail", str(), "instance", str(),
                "code", Map.of("type", "string", "description", "stable machine-readable code"),
                "request_id", str(),
                "violations", Map.of("type", "array", "items", object(List.of(), "field", str(), "problem", str()))));
        s.put("AgentResponse", object(List.of("success", "data", "error", "metadata"),
                "success", bool(),
                "data", Map.of("description", "the capability's result: any JSON value"),
                "error", Map.of("oneOf", List.of(Map.of("type", "null"),
                        object(List.of("code", "message"), "code", str(), "message", str()))),
                "metadata", object(List.of("agent", "capability"), "agent", str(), "capability", str(),
                        "duration_ms", Map.of("type", "number"), "request_id", str())));
        s.put("Health", object(List.of("status"), "status", Map.of("type", "string", "const", "ok")));
        s.put("Readiness", object(List.of("status", "failing", "checks"), "status", str(),
                "failing", Map.of("type", "array", "items", str()), "checks", Map.of("type", "object")));
        s.put("Root", object(List.of("name", "version", "links"), "name", str(), "version", str(),
                "links", Map.of("type", "object", "additionalProperties", str())));
        s.put("SystemStatus", object(List.of("name", "version"), "name", str(), "version", str(),
                "started_at", str(), "uptime_seconds", integer(), "readiness", str(),
                "agents", Map.of("type", "object"), "checks", Map.of("type", "object"),
                "rate_limit", Map.of("type", "object"), "auth", Map.of("type", "object")));
        s.put("Capability", object(List.of("name", "description", "kind", "input_schema"), "name", str(),
                "description", str(), "kind", Map.of("type", "string", "enum", List.of("query", "action")),
                "input_schema", Map.of("type", "object", "description", "JSON Schema of the arguments"),
                "timeout_ms", integer()));
        s.put("Agent", object(List.of("name", "description", "version", "capabilities"), "name", str(),
                "description", str(), "version", str(),
                "capabilities", Map.of("type", "array", "items", Map.of("$ref", "#/components/schemas/Capability"))));
        s.put("AgentList", object(List.of("agents", "count"),
                "agents", Map.of("type", "array", "items", Map.of("$ref", "#/components/schemas/Agent")),
                "count", integer()));
        s.put("AgentHealth", object(List.of("agent", "status"), "agent", str(),
                "status", Map.of("type", "string", "enum", List.of("healthy", "degraded", "unhealthy")),
                "message", Map.of("type", List.of("string", "null")), "details", Map.of("type", "object")));
        s.put("Login", object(List.of("username", "password"), "username", str(), "password", str()));
        s.put("Token", object(List.of("access_token", "token_type", "expires_in"), "access_token", str(),
                "token_type", Map.of("type", "string", "const", "Bearer"), "expires_in", integer(), "role", str()));
        s.put("OpenApiDocument", Map.of("type", "object", "description", "an OpenAPI 3.1 document"));
        s.put("JsonRpcRequest", object(List.of("jsonrpc", "method"),
                "jsonrpc", Map.of("type", "string", "const", "2.0"), "id", Map.of("type", List.of("string", "integer")),
                "method", str(), "params", Map.of("type", "object")));
        s.put("JsonRpcResponse", object(List.of("jsonrpc"),
                "jsonrpc", Map.of("type", "string", "const", "2.0"), "id", Map.of("type", List.of("string", "integer")),
                "result", Map.of("type", "object"), "error", object(List.of("code", "message"), "code", integer(),
                        "message", str(), "data", Map.of())));
        return s;
    }

    private static Map<String, Object> object(List<String> required, Object... properties) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (int i = 0; i < properties.length; i += 2) {
            props.put((String) properties[i], properties[i + 1]);
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("type", "object");
        if (!required.isEmpty()) {
            o.put("required", required);
        }
        o.put("properties", props);
        return o;
    }

    private static Map<String, Object> str() {
        return Map.of("type", "string");
    }

    private static Map<String, Object> integer() {
        return Map.of("type", "integer");
    }

    private static Map<String, Object> bool() {
        return Map.of("type", "boolean");
    }
}
