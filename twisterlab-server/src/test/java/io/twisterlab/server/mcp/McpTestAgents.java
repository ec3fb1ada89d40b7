package io.twisterlab.server.mcp;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AccessPolicy;
import io.twisterlab.core.CapabilityKind;

import java.util.Map;

/** Small agents and the access policy the MCP tests share (with core's {@code io.twisterlab.core.testing} agents). */
final class McpTestAgents {
    private McpTestAgents() {
    }

    /** Like the bundled server: viewers run queries, operators and admins run everything. */
    static final AccessPolicy POLICY = (ctx, agent, capability) -> capability.kind() == CapabilityKind.QUERY
            ? ctx.hasRole("viewer") || ctx.hasRole("operator") || ctx.hasRole("admin")
            : ctx.hasRole("operator") || ctx.hasRole("admin");

    /** Many capabilities, to page through tools/list. */
    static final class ManyAgent extends AbstractCoreAgent {
        ManyAgent(int count) {
            super("many", "Has many capabilities", "1.0.0");
            for (int i = 0; i < count; i++) {
                int n = i;
                query(String.format("c%02d", i), "Capability " + i).handler(inv -> Map.of("n", n));
            }
        }
    }

    static final class LateAgent extends AbstractCoreAgent {
        LateAgent() {
            super("late", "Registered while the server runs", "1.0.0");
            query("hello", "Says hello").handler(inv -> "hello");
        }
    }
}
