package io.twisterlab.agents.database;

import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentResponse;
import java.util.Map;

/**
 * Run by {@link DatabaseAgentHeapIT} in a JVM with a small heap: the default agent, an unbounded recursive query
 * with the default timeout, then {@code SELECT 1} and the health, one {@code key=value} line each.
 */
public final class HeapExhaustionMain {
    private HeapExhaustionMain() {
    }

    public static void main(String[] args) {
        DatabaseAgent agent = DatabaseAgent.builder().build();
        agent.start();
        try {
            AgentResponse recursive = agent.execute(AgentCall.of("execute_query", Map.of("sql",
                    "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT n FROM t")));
            System.out.println("recursive=" + (recursive.success() ? "success" : recursive.errorCode().orElse("")));
            System.out.println("select1=" + agent.execute(AgentCall.of("execute_query", Map.of("sql", "SELECT 1")))
                    .success());
            System.out.println("health=" + agent.health().status());
        } finally {
            agent.stop();
        }
    }
}
