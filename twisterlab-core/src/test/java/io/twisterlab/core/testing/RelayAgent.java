package io.twisterlab.core.testing;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.ParamType;
import java.util.Map;

/**
 * Calls another agent with its caller's context, as an orchestrating agent does: its {@code relay} QUERY runs
 * {@code agent.capability} with {@code arguments} (default none) and returns {@code {"nested_success": ...}}.
 * Nested protocol faults (e.g. access denied) propagate.
 *
 * <pre>{@code
 * registry.execute("relay", "relay", Map.of("agent", "echo", "capability", "echo", "arguments", Map.of("text", "x")), viewer);
 * }</pre>
 */
public final class RelayAgent extends AbstractCoreAgent {
    public RelayAgent() {
        super("relay", "Runs other agents' capabilities", "1.0.0");
        query("relay", "Runs agent.capability with the caller's authority")
                .requiredParam("agent", ParamType.STRING, "target agent")
                .requiredParam("capability", ParamType.STRING, "target capability")
                .param("arguments", ParamType.OBJECT, "target arguments")
                .handler(inv -> {
                    AgentResponse nested = inv.directory().execute(inv.arguments().getString("agent"),
                            inv.arguments().getString("capability"),
                            inv.arguments().findMap("arguments").orElse(Map.of()), inv.context());
                    return Map.of("nested_success", nested.success());
                });
    }
}
