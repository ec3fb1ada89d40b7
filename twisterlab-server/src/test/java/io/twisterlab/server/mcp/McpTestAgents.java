package io.twisterlab.server.mcp;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AccessPolicy;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.CapabilityKind;
import io.twisterlab.core.ExecutionEvent;
import io.twisterlab.core.ExecutionListener;
import io.twisterlab.core.Param;
import io.twisterlab.core.ParamType;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Small agents and the access policy the MCP tests share. */
final class McpTestAgents {
    private McpTestAgents() {
    }

    /** Like the bundled server: viewers run queries, operators and admins run everything. */
    static final AccessPolicy POLICY = (ctx, agent, capability) -> capability.kind() == CapabilityKind.QUERY
            ? ctx.hasRole("viewer") || ctx.hasRole("operator") || ctx.hasRole("admin")
            : ctx.hasRole("operator") || ctx.hasRole("admin");

    static final class EchoAgent extends AbstractCoreAgent {
        EchoAgent() {
            super("echo", "Echoes text back", "1.0.0");
            query("echo", "Returns the text it was given, repeated")
                    .param(Param.builder("text", ParamType.STRING).description("What to echo").required()
                            .maxLength(20).build())
                    .param(Param.builder("times", ParamType.INTEGER).description("How often").defaultValue(1)
                            .minimum(1).maximum(3).build())
                    .handler(inv -> Map.of("text", inv.arguments().getString("text")
                            .repeat(inv.arguments().getInt("times"))));
            query("numbers", "Returns a list, not an object").handler(inv -> List.of(1, 2, 3));
            action("reset", "Changes state").handler(inv -> Map.of("reset", true));
            action("fail", "Always fails with a domain error")
                    .handler(inv -> AgentResponse.failure("nope", "this capability always fails"));
            query("explode", "Always throws")
                    .handler(inv -> {
                        throw new IllegalStateException("secret internal detail at db://user:pw@host");
                    });
        }
    }

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

    /** Records every execution the registry reports, as the server's metrics listener would. */
    static final class RecordingListener implements ExecutionListener {
        final List<ExecutionEvent> events = new CopyOnWriteArrayList<>();

        @Override
        public void onExecution(ExecutionEvent event) {
            events.add(event);
        }
    }
}
