package io.twisterlab.agents.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.HealthStatus;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * The heap guard with a simulated heap reading: the heap fills while a statement runs, and the guard cancels it
 * without the heap ever filling.
 */
class DatabaseAgentHeapGuardTest {
    private static final String RECURSIVE = "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) "
            + "SELECT n FROM t";

    private static DatabaseAgent agent(DoubleSupplier heap) {
        DatabaseAgent agent = DatabaseAgent.builder().url("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                .heapGuard(new HeapGuard.Settings(heap, 0.8)).build();
        agent.start();
        return agent;
    }

    private static AgentResponse query(DatabaseAgent agent, String sql) {
        return agent.execute(AgentCall.of("execute_query", Map.of("sql", sql, "timeout_ms", 60_000)));
    }

    @Test
    void aStatementRunningWhileTheHeapFillsIsCancelledAndTheDatabaseStillAnswers() {
        AtomicInteger readings = new AtomicInteger();
        // The first reading is taken when the statement starts; every later one finds the heap 95% full.
        DatabaseAgent agent = agent(() -> readings.getAndIncrement() == 0 ? 0.3 : 0.95);
        try {
            AgentResponse response = query(agent, RECURSIVE);
            assertThat(response.errorCode()).contains("query_memory_exceeded");
            assertThat(response.findError().orElseThrow().message()).contains("ran low on memory");
            AgentResponse next = query(agent, "SELECT 1");
            assertThat(next.success()).as("a statement started at a still-high but flat reading runs").isTrue();
            assertThat(agent.health().status()).isEqualTo(HealthStatus.HEALTHY);
        } finally {
            agent.stop();
        }
    }

    @Test
    void aStatementStartedAfterACancellationIsCancelledOnlyIfTheHeapGrowsAgain() {
        AtomicInteger readings = new AtomicInteger();
        // Full from the start (the rows of a cancelled statement not yet collected), then fuller still.
        DatabaseAgent agent = agent(() -> readings.getAndIncrement() < 3 ? 0.85 : 0.91);
        try {
            assertThat(query(agent, RECURSIVE).errorCode()).contains("query_memory_exceeded");
        } finally {
            agent.stop();
        }
    }

    @Test
    void aFullHeapThatDoesNotGrowCancelsNothing() {
        DatabaseAgent agent = agent(() -> 0.99);
        try {
            AgentResponse response = agent.execute(AgentCall.of("execute_query", Map.of("sql", RECURSIVE,
                    "timeout_ms", 500)));
            assertThat(response.errorCode()).contains("query_timeout");
        } finally {
            agent.stop();
        }
    }

    @Test
    void theRealReadingIsAFractionOfTheOldGeneration() {
        assertThat(HeapGuard.oldGenerationUsage()).isBetween(0.0, 1.0);
    }
}
