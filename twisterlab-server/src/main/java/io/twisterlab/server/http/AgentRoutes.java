package io.twisterlab.server.http;

import io.javalin.http.Context;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.Capability;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.server.auth.Principal;
import io.twisterlab.server.observe.HealthChecks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code /api/v1/agents/**}: list and describe agents, their health, and capability execution. */
final class AgentRoutes {
    private final AgentRegistry registry;
    private final Bodies bodies;
    private final HealthChecks checks;

    AgentRoutes(AgentRegistry registry, Bodies bodies, HealthChecks checks) {
        this.registry = registry;
        this.bodies = bodies;
        this.checks = checks;
    }

    void list(Context ctx) {
        List<Object> agents = new ArrayList<>();
        for (CoreAgent agent : registry.agents()) {
            agents.add(agentJson(agent));
        }
        bodies.ok(ctx, Map.of("agents", agents, "count", agents.size()));
    }

    void describe(Context ctx) {
        bodies.ok(ctx, agentJson(registry.get(ctx.pathParam("agent"))));
    }

    /**
     * The agent's last background health check (as {@code /ready} reads it): never runs the check itself, so a
     * hanging dependency can neither delay the answer nor be made to run once per request.
     */
    void health(Context ctx) {
        CoreAgent agent = registry.get(ctx.pathParam("agent"));
        HealthChecks.Result r = checks.results().getOrDefault("agent:" + agent.name(), HealthChecks.Result.STARTING);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent", agent.name());
        body.put("status", r.state().id());
        body.put("message", r.message());
        body.put("details", r.details());
        body.put("age_seconds", r.ageSeconds(checks.clock().instant()));
        bodies.ok(ctx, body);
    }

    void execute(Context ctx) {
        Principal principal = RequestGate.principal(ctx);
        Map<String, Object> args = bodies.readJsonObject(ctx);
        AgentResponse response = registry.execute(ctx.pathParam("agent"), ctx.pathParam("capability"), args,
                RequestGate.executionContextOf(principal, RequestGate.requestId(ctx)));
        bodies.ok(ctx, responseJson(response));
    }

    private static Map<String, Object> agentJson(CoreAgent agent) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", agent.name());
        a.put("description", agent.description());
        a.put("version", agent.version());
        List<Object> caps = new ArrayList<>();
        for (Capability c : agent.capabilities()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("description", c.description());
            m.put("kind", c.kind().name().toLowerCase(Locale.ROOT));
            m.put("input_schema", c.inputSchema());
            c.timeout().ifPresent(t -> m.put("timeout_ms", t.toMillis()));
            caps.add(m);
        }
        a.put("capabilities", caps);
        return a;
    }

    private static Map<String, Object> responseJson(AgentResponse r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", r.success());
        body.put("data", r.data());
        body.put("error", r.findError().<Object>map(e -> Map.of("code", e.code(), "message", e.message()))
                .orElse(null));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("agent", r.metadata().agent());
        meta.put("capability", r.metadata().capability());
        meta.put("duration_ms", r.metadata().duration().toNanos() / 1e6);
        meta.put("request_id", r.metadata().requestId());
        body.put("metadata", meta);
        return body;
    }
}
