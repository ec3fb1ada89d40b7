package io.twisterlab.server.http;

import io.twisterlab.core.AgentDirectory;
import io.twisterlab.core.Capability;
import io.twisterlab.core.CapabilityKind;
import io.twisterlab.core.CoreAgent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * OpenAPI 3.1 generated from the live registry: one operation per capability, plus every fixed route the server
 * registers. Every operation states its security ({@code []} on public routes) and every response its schema; the
 * shapes live in {@link OpenApiSchemas}.
 */
final class OpenApi {
    static final String PATH = "/api/v1/openapi.json";

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final String JSON = "application/json";

    private OpenApi() {
    }

    static Map<String, Object> document(AgentDirectory registry, String version, boolean docsEnabled) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "TwisterLab API", "version", version,
                "description", "Operational agents over HTTP. Errors are RFC 9457 application/problem+json."));
        doc.put("jsonSchemaDialect", "https://json-schema.org/draft/2020-12/schema");
        // relative: the document is served by the server it describes, whatever host or port-forward reaches it
        doc.put("servers", List.of(Map.of("url", "/", "description", "this server")));
        doc.put("security", secured());
        Map<String, Object> schemas = OpenApiSchemas.fixed();
        Map<String, Object> paths = new LinkedHashMap<>();
        paths.put("/", Map.of("get", publicOp("root", "Name, version and links", "system",
                json("Links", "Root"))));
        paths.put("/health", Map.of("get", publicOp("health", "Liveness", "system", json("Alive", "Health"))));
        paths.put("/ready", Map.of("get", withResponse(publicOp("ready",
                "Readiness from the last background health checks: degraded (200) unless a required check fails",
                "system", json("Ready or degraded", "Readiness")), "503", problem("Not ready"))));
        paths.put("/metrics", Map.of("get", publicOp("metrics", "Prometheus exposition", "system",
                Map.of("description", "Prometheus text or OpenMetrics", "content",
                        Map.of("text/plain", Map.of("schema", Map.of("type", "string")))))));
        paths.put("/api/v1/system/health", Map.of("get", publicOp("systemHealth", "Liveness (alias of /health)",
                "system", json("Alive", "Health"))));
        paths.put("/api/v1/system/status", Map.of("get", securedOp("systemStatus",
                "Version, uptime, agents, rate-limit mode", "system", json("Status", "SystemStatus"))));
        paths.put("/api/v1/agents", Map.of("get", securedOp("listAgents", "Agents and their capabilities", "agents",
                json("The agents", "AgentList"))));
        paths.put("/api/v1/agents/{agent}", Map.of("get", withAgentParam(securedOp("describeAgent",
                "One agent (aliases resolve)", "agents", json("The agent", "Agent")))));
        paths.put("/api/v1/agents/{agent}/health", Map.of("get", withAgentParam(securedOp("agentHealth",
                "One agent's health", "agents", json("Its last health", "AgentHealth")))));
        paths.put("/api/v1/auth/token", Map.of("post", login()));
        if (docsEnabled) {
            paths.put(PATH, Map.of("get", publicOp("openApi", "This document", "system",
                    json("OpenAPI 3.1", "OpenApiDocument"))));
            paths.put(DocsRoutes.PAGE, Map.of("get", publicOp("docs", "Swagger UI over this document", "system",
                    Map.of("description", "HTML page", "content",
                            Map.of("text/html", Map.of("schema", Map.of("type", "string")))))));
        }
        paths.put("/mcp", mcp());
        for (CoreAgent agent : registry.agents()) {
            for (Capability c : agent.capabilities()) {
                String input = OpenApiSchemas.inputName(agent.name(), c.name());
                schemas.put(input, c.inputSchema());
                paths.put("/api/v1/agents/" + agent.name() + "/capabilities/" + c.name(),
                        Map.of("post", capability(agent, c, input)));
            }
        }
        doc.put("paths", paths);
        Map<String, Object> schemes = new LinkedHashMap<>();
        schemes.put("apiKey", Map.of("type", "apiKey", "in", "header", "name", "X-API-Key",
                "description", "An API key (auth.api_keys / TWISTERLAB_API_KEYS)"));
        schemes.put("bearer", Map.of("type", "http", "scheme", "bearer", "bearerFormat", "JWT",
                "description", "A token from POST /api/v1/auth/token, or an API key"));
        doc.put("components", Map.of("securitySchemes", schemes, "schemas", schemas));
        return doc;
    }

    private static Map<String, Object> publicOp(String id, String summary, String tag, Map<String, Object> ok) {
        Map<String, Object> op = operation(id, summary, tag, List.of());
        responses(op).put("200", ok);
        return op;
    }

    /** An operation behind a key: 401 without one, 429 over the limit. */
    private static Map<String, Object> securedOp(String id, String summary, String tag, Map<String, Object> ok) {
        Map<String, Object> op = operation(id, summary, tag, secured());
        Map<String, Object> responses = responses(op);
        responses.put("200", ok);
        responses.put("401", problem("Unauthenticated"));
        responses.put("429", problem("Rate limited"));
        return op;
    }

    private static Map<String, Object> operation(String id, String summary, String tag, List<Object> security) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("operationId", id);
        op.put("summary", summary);
        op.put("tags", List.of(tag));
        op.put("security", security);
        op.put("responses", new LinkedHashMap<String, Object>());
        return op;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> responses(Map<String, Object> op) {
        return (Map<String, Object>) Objects.requireNonNull(op.get("responses"), "operation without responses");
    }

    private static Map<String, Object> withResponse(Map<String, Object> op, String status, Object response) {
        responses(op).put(status, response);
        return op;
    }

    private static Map<String, Object> withAgentParam(Map<String, Object> op) {
        op.put("parameters", List.of(Map.of("name", "agent", "in", "path", "required", true,
                "schema", Map.of("type", "string"))));
        return withResponse(op, "404", problem("Unknown agent"));
    }

    private static Map<String, Object> capability(CoreAgent agent, Capability c, String input) {
        Map<String, Object> op = securedOp(agent.name() + "__" + c.name(), c.description(), agent.name(),
                json("The agent's response (success true or false)", "AgentResponse"));
        op.put("description", "A " + c.kind().name().toLowerCase(Locale.ROOT) + " capability: "
                + (c.kind() == CapabilityKind.ACTION ? "operator or admin role." : "any role."));
        op.put("x-twisterlab-kind", c.kind().name().toLowerCase(Locale.ROOT));
        op.put("requestBody", Map.of("required", false, "content",
                Map.of(JSON, Map.of("schema", ref(input)))));
        Map<String, Object> responses = responses(op);
        responses.put("400", problem("Invalid JSON or arguments (every violation listed)"));
        responses.put("403", problem(c.kind() == CapabilityKind.ACTION ? "Role may not run actions" : "Forbidden"));
        responses.put("404", problem("Unknown agent or capability"));
        responses.put("413", problem("Body over the limit"));
        responses.put("415", problem("Not JSON"));
        return op;
    }

    private static Map<String, Object> login() {
        Map<String, Object> op = operation("token", "Exchange username and password for a short-lived token",
                "auth", List.of());
        op.put("requestBody", Map.of("required", true, "content", Map.of(
                JSON, Map.of("schema", ref("Login")),
                "application/x-www-form-urlencoded", Map.of("schema", ref("Login")))));
        Map<String, Object> responses = responses(op);
        responses.put("200", json("A signed token", "Token"));
        responses.put("400", problem("No username or password"));
        responses.put("401", problem("Wrong username or password"));
        responses.put("404", problem("No users are configured"));
        responses.put("429", problem("Too many attempts from this client"));
        return op;
    }

    /** Model Context Protocol, stateless streamable HTTP: POST one JSON-RPC message; GET and DELETE are 405. */
    private static Map<String, Object> mcp() {
        Map<String, Object> post = securedOp("mcp", "Model Context Protocol: one JSON-RPC message per POST "
                + "(tools are the capabilities)", "mcp", json("The JSON-RPC response", "JsonRpcResponse"));
        post.put("requestBody", Map.of("required", true, "content",
                Map.of(JSON, Map.of("schema", ref("JsonRpcRequest")))));
        responses(post).put("202", Map.of("description", "A notification or response was accepted"));
        responses(post).put("400", problem("Not a JSON-RPC message"));
        Map<String, Object> path = new LinkedHashMap<>();
        path.put("post", post);
        for (String method : List.of("get", "delete")) {
            Map<String, Object> op = operation("mcp_" + method, "Not supported by the stateless transport", "mcp",
                    secured());
            responses(op).put("401", problem("Unauthenticated"));
            responses(op).put("405", problem("Stateless: no server-initiated stream, no session (Allow: POST)"));
            responses(op).put("429", problem("Rate limited"));
            path.put(method, op);
        }
        return path;
    }

    private static List<Object> secured() {
        return List.of(Map.of("apiKey", List.of()), Map.of("bearer", List.of()));
    }

    private static Map<String, Object> ref(String schema) {
        return Map.of("$ref", "#/components/schemas/" + schema);
    }

    private static Map<String, Object> json(String description, String schema) {
        return Map.of("description", description, "content", Map.of(JSON, Map.of("schema", ref(schema))));
    }

    private static Map<String, Object> problem(String description) {
        return Map.of("description", description, "content", Map.of(PROBLEM_JSON, Map.of("schema", ref("Problem"))));
    }
}
