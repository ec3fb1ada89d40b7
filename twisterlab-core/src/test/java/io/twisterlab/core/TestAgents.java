package io.twisterlab.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** Small agents used across the core tests. */
final class TestAgents {
    private TestAgents() {
    }

    static final class EchoAgent extends AbstractCoreAgent {
        EchoAgent() {
            this("echo");
        }

        EchoAgent(String name) {
            super(name, "Echoes text back", "1.0.0");
            query("echo", "Returns the text it was given")
                    .param(Param.builder("text", ParamType.STRING).required().maxLength(20).build())
                    .param(Param.builder("times", ParamType.INTEGER).defaultValue(1).minimum(1).maximum(3).build())
                    .handler(inv -> Map.of("text", inv.arguments().getString("text").repeat(
                            inv.arguments().getInt("times"))));
            action("fail", "Always fails with a domain error")
                    .handler(inv -> AgentResponse.failure("nope", "this capability always fails"));
            action("explode", "Always throws")
                    .handler(inv -> {
                        throw new IllegalStateException("secret internal detail at db://user:pw@host");
                    });
        }
    }

    /** Blocks in {@code slow} until released or interrupted; declares a 100 ms timeout. */
    static final class SlowAgent extends AbstractCoreAgent {
        final CountDownLatch release = new CountDownLatch(1);

        SlowAgent() {
            super("slow", "Takes its time", "1.0.0");
            query("slow", "Waits until released")
                    .timeout(Duration.ofMillis(100))
                    .handler(inv -> {
                        release.await();
                        return Map.of("released", true);
                    });
            query("fast", "Returns at once").handler(inv -> Map.of("fast", true));
        }
    }

    /** Calls another agent on behalf of its caller. */
    static final class RelayAgent extends AbstractCoreAgent {
        RelayAgent() {
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
}
