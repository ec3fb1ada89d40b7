package io.twisterlab.server.http;

import io.twisterlab.core.AgentDirectory;
import io.twisterlab.core.Capability;
import io.twisterlab.core.CapabilityKind;
import io.twisterlab.core.CoreAgent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** OpenAPI 3.1 generated from the live registry: one operation per capability, plus the fixed routes. */
final class OpenApi {
    private OpenApi() {
    }

    static Map<String, Object> document(AgentDirectory registry, String version) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "TwisterLab API", "version", version,
                "description", "Operational agents over HTTP. Errors are RFC 9457 application/problem+json."));
        doc.put("jsonSchemaDialect", "https://json-schema.org/draft/2020-12/schema");
        Map<String, Object> paths = new LinkedHashMap<>();
        paths.put("/health", Map.of("get", simple("health", "Liveness", false)));
        paths.put("/ready", Map.of("get", simple("ready",
                "Readiness from the last background health checks: degraded (200) unless a required check fails",
                false)));
        paths.put("/metrics", Map.of("get", simple("metrics", "Prometheus exposition", false)));
        paths.put("/api/v1/agents", Map.of("get", simple("listAgents", "Agents and their capabilities", true)));
        paths.put("/api/v1/agents/{agent}", Map.of("get", withAgentParam(simple("describeAgent",
                "One agent (aliases resolve)", true))));
        paths.put("/api/v1/agents/{agent}/health", Map.of("get", withAgentParam(simple("agentHealth",
                "One agent's health", true))));
        paths.put("/api/v1/system/status", Map.of("get", simple("systemStatus",
                "Version, uptime, agents, rate-limit mode", true)));
        paths.put("/api/v1/auth/token", Map.of("post", login()));
        for (CoreAgent agent : registry.agents()) {
            for (Capability c : agent.capabilities()) {
                paths.put("/api/v1/agents/" + agent.name() + "/capabilities/" + c.name(),
                        Map.of("post", capability(agent, c)));
            }
        }
        doc.put("paths", paths);
        Map<String, Object> schemes = new LinkedHashMap<>();
        schemes.put("bearer", Map.of("type", "http", "scheme", "bearer",
                "description", "An API key or a token from /api/v1/auth/token"));
        schemes.put("apiKey", Map.of("type", "apiKey", "in", "header", "name", "X-API-Key"));
        Map<String, Object> schemas = new LinkedHashMap<>();
        schemas.put("Problem", Map.of("type", "object", "properties", Map.of(
                "type", Map.of("type", "string"), "title", Map.of("type", "string"),
                "status", Map.of("type", "integer"), "detail", Map.of("type", "string"),
                "instance", Map.of("type", "string"), "code", Map.of("type", "string"),
                "request_id", Map.of("type", "string"),
                "violations", Map.of("type", "array", "items", Map.of("type", "object")))));
        schemas.put("AgentResponse", Map.of("type", "object", "properties", Map.of(
                "success", Map.of("type", "boolean"), "data", Map.of(),
                "error", Map.of("type", List.of("object", "null")),
                "metadata", Map.of("type", "object"))));
        doc.put("components", Map.of("securitySchemes", schemes, "schemas", schemas));
        return doc;
    }

    private static Map<String, Object> simple(String id, String summary, boolean secured) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("operationId", id);
        op.put("summary", summary);
        Map<String, Object> responses = new LinkedHashMap<>();
        responses.put("200", Map.of("description", "OK"));
        if (secured) {
            op.put("security", security());
            responses.put("401", problem("Unauthenticated"));
            responses.put("429", problem("Rate limited"));
        }
        op.put("responses", responses);
        return op;
    }

    private static Map<String, Object> withAgentParam(Map<String, Object> op) {
        op.put("parameters", List.of(Map.of("name", "agent", "in", "path", "required", true,
                "schema", Map.of("type", "string"))));
        op.put("responses", merge(op.get("responses"), "404", problem("Unknown agent")));
        return op;
    }

    private static Map<String, Object> capability(CoreAgent agent, Capability c) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("operationId", agent.name() + "__" + c.name());
        op.put("summary", c.description());
        op.put("tags", List.of(agent.name()));
        op.put("x-twisterlab-kind", c.kind().name().toLowerCase(java.util.Locale.ROOT));
        op.put("security", security());
        op.put("requestBody", Map.of("required", false, "content",
                Map.of("application/json", Map.of("schema", c.inputSchema()))));
        Map<String, Object> responses = new LinkedHashMap<>();
        responses.put("200", Map.of("description", "The agent's response (success true or false)",
                "content", Map.of("application/json", Map.of("schema",
                        Map.of("$ref", "#/components/schemas/AgentResponse")))));
        responses.put("400", problem("Invalid JSON or arguments (every violation listed)"));
        responses.put("401", problem("Unauthenticated"));
        responses.put("403", problem(c.kind() == CapabilityKind.ACTION ? "Role may not run actions" : "Forbidden"));
        responses.put("404", problem("Unknown agent or capability"));
        responses.put("413", problem("Body over the limit"));
        responses.put("415", problem("Not JSON"));
        responses.put("429", problem("Rate limited"));
        op.put("responses", responses);
        return op;
    }

    private static Map<String, Object> login() {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("operationId", "token");
        op.put("summary", "Exchange username and password for a short-lived token");
        Map<String, Object> schema = Map.of("type", "object", "required", List.of("username", "password"),
                "properties", Map.of("username", Map.of("type", "string"), "password", Map.of("type", "string")));
        op.put("requestBody", Map.of("required", true, "content", Map.of("application/json", Map.of("schema", schema),
                "application/x-www-form-urlencoded", Map.of("schema", schema))));
        Map<String, Object> responses = new LinkedHashMap<>();
        responses.put("200", Map.of("description", "access_token, token_type, expires_in"));
        responses.put("401", problem("Wrong username or password"));
        responses.put("429", problem("Too many attempts from this client"));
        op.put("responses", responses);
        return op;
    }

    private static List<Object> security() {
        List<Object> s = new ArrayList<>();
        s.add(Map.of("bearer", List.of()));
        s.add(Map.of("apiKey", List.of()));
        return s;
    }

    private static Map<String, Object> problem(String description) {
        return Map.of("description", description, "content", Map.of("application/problem+json",
                Map.of("schema", Map.of("$ref", "#/components/schemas/Problem"))));
    }

    private static Map<String, Object> merge(@Nullable Object responses, String status, Object value) {
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) responses);
        m.put(status, value);
        return m;
    }
}
