package io.twisterlab.server;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.Param;
import io.twisterlab.core.ParamType;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Agents for the server tests. */
final class TestAgents {
    private TestAgents() {
    }

    static final class EchoAgent extends AbstractCoreAgent {
        /** Every run of the {@code reset} ACTION: a refused call must leave it unchanged. */
        final AtomicInteger resets = new AtomicInteger();

        EchoAgent() {
            super("echo", "Echoes text back", "1.0.0");
            query("echo", "Returns the text it was given")
                    .param(Param.builder("text", ParamType.STRING).required().maxLength(20).build())
                    .param(Param.builder("times", ParamType.INTEGER).defaultValue(1).minimum(1).maximum(3).build())
                    .handler(inv -> Map.of("text", inv.arguments().getString("text").repeat(
                            inv.arguments().getInt("times"))));
            action("reset", "Changes state (an ACTION)")
                    .param("reason", ParamType.STRING, "why")
                    .handler(inv -> Map.of("reset", true, "resets", resets.incrementAndGet()));
            query("resets", "How often reset ran").handler(inv -> Map.of("resets", resets.get()));
            action("fail", "Always fails with a domain error")
                    .handler(inv -> AgentResponse.failure("nope", "this capability always fails"));
            action("explode", "Always throws")
                    .handler(inv -> {
                        throw new IllegalStateException("secret internal detail at db://user:pw@host");
                    });
        }
    }

    /** Calls another agent with the caller's authority, like Maestro. */
    static final class RelayAgent extends AbstractCoreAgent {
        RelayAgent() {
            super("relay", "Runs other agents' capabilities", "1.0.0");
            query("relay", "Runs agent.capability with the caller's authority")
                    .requiredParam("agent", ParamType.STRING, "target agent")
                    .requiredParam("capability", ParamType.STRING, "target capability")
                    .handler(inv -> {
                        AgentResponse nested = inv.directory().execute(inv.arguments().getString("agent"),
                                inv.arguments().getString("capability"), Map.of(), inv.context());
                        return Map.of("nested_success", nested.success());
                    });
        }
    }

    /** Blocks in {@code block} until released: for graceful shutdown. */
    static final class GateAgent extends AbstractCoreAgent {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        GateAgent() {
            super("gate", "Waits until released", "1.0.0");
            query("block", "Waits until the test releases it").handler(inv -> {
                entered.countDown();
                release.await();
                return Map.of("released", true);
            });
        }
    }
}
