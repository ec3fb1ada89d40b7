package io.twisterlab.agents.maestro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.twisterlab.agents.cache.CacheAgent;
import io.twisterlab.agents.cache.CacheBackend;
import io.twisterlab.agents.database.DatabaseAgent;
import io.twisterlab.agents.monitoring.MonitoringAgent;
import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AccessPolicy;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.CapabilityKind;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.core.ExecutionEvent;
import io.twisterlab.core.testing.RecordingListener;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class MaestroAgentTest {
    private static final ExecutionContext VIEWER = ExecutionContext.of("vera", Set.of("viewer"), "req-v");
    private static final ExecutionContext OPERATOR = ExecutionContext.of("otto", Set.of("operator"), "req-o");
    /** Viewers may run queries, and Maestro itself; actions need the operator role. */
    private static final AccessPolicy POLICY = (ctx, agent, capability) ->
            capability.kind() == CapabilityKind.QUERY || agent.name().equals("maestro") || ctx.hasRole("operator");

    private AgentRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private AgentRegistry registry(MaestroAgent maestro, boolean withDatabase) {
        AgentRegistry.Builder builder = AgentRegistry.builder().accessPolicy(POLICY)
                .register(MonitoringAgent.builder().cpuSampleInterval(Duration.ofMillis(5)).build())
                .register(CacheAgent.builder().backend(CacheBackend.inMemory(100)).build())
                .register(maestro);
        if (withDatabase) {
            builder.register(DatabaseAgent.builder().url("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
                    .build());
        }
        registry = builder.build();
        registry.start();
        return registry;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> ok(AgentResponse response) {
        assertThat(response.success()).as("%s", response.error()).isTrue();
        return (Map<String, Object>) response.data();
    }

    @Test
    @SuppressWarnings("unchecked")
    void listAgentsShowsTheLiveRegistry() {
        registry(MaestroAgent.builder().build(), false);
        Map<String, Object> before = ok(registry.execute("maestro", "list_agents", Map.of()));
        assertThat((List<Map<String, Object>>) before.get("agents")).extracting(a -> a.get("name"))
                .containsExactly("monitoring", "cache", "maestro");
        registry.register(DatabaseAgent.builder().url("jdbc:h2:mem:" + UUID.randomUUID()).build());
        Map<String, Object> after = ok(registry.execute("maestro", "list_agents", Map.of()));
        assertThat(after.get("count")).isEqualTo(4);
        Map<String, Object> cache = ((List<Map<String, Object>>) after.get("agents")).get(1);
        assertThat((List<Map<String, Object>>) cache.get("capabilities"))
                .anySatisfy(c -> assertThat(c).containsEntry("name", "cache_set").containsEntry("kind", "action"));
    }

    @Test
    void analyzeTaskSuggestsOnlyRegisteredAgents() {
        registry(MaestroAgent.builder().build(), false);
        Map<String, Object> analysis = ok(registry.execute("maestro", "analyze_task",
                Map.of("task", "The production database is slow")));
        assertThat(analysis).containsEntry("category", "database").containsEntry("priority", "high")
                .containsEntry("source", "rules").containsEntry("suggested_agents", List.of("monitoring"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void dryRunPlansAndSkipsWhatIsNotRegistered() {
        registry(MaestroAgent.builder().build(), false);
        Map<String, Object> result = ok(registry.execute("maestro", "orchestrate",
                Map.of("task", "database slow, cache misses", "dry_run", true)));
        assertThat(result.get("dry_run")).isEqualTo(true);
        List<Map<String, Object>> steps = (List<Map<String, Object>>) result.get("steps");
        assertThat(steps).extracting(s -> s.get("agent") + "." + s.get("capability"), s -> s.get("status"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("database.db_health", "skipped"),
                        org.assertj.core.groups.Tuple.tuple("cache.cache_stats", "planned"));
        assertThat((String) steps.get(0).get("reason")).contains("not registered");
        assertThat(steps).noneMatch(s -> s.containsKey("result"));
        assertThat(ok(registry.execute("cache", "cache_stats", Map.of()))).containsEntry("hits", 0L);
    }

    @Test
    @SuppressWarnings("unchecked")
    void orchestrateRunsTheStepsAndSynthesises() {
        registry(MaestroAgent.builder().build(), true);
        Map<String, Object> result = ok(registry.execute("maestro", "orchestrate",
                Map.of("task", "users report the database is slow", "context", Map.of("note", "redis cache too"))));
        assertThat((String) result.get("task_id")).startsWith("task-");
        List<Map<String, Object>> steps = (List<Map<String, Object>>) result.get("steps");
        assertThat(steps).extracting(s -> s.get("agent") + "." + s.get("capability"), s -> s.get("status"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("database.db_health", "success"),
                        org.assertj.core.groups.Tuple.tuple("cache.cache_stats", "success"));
        assertThat((Map<String, Object>) steps.get(0).get("result")).containsEntry("status", "healthy");
        assertThat(steps.get(0)).containsKey("duration_ms");
        Map<String, Object> synthesis = (Map<String, Object>) result.get("synthesis");
        assertThat(synthesis).containsEntry("success_rate", 1.0).containsEntry("requires_human", false);
        assertThat((String) synthesis.get("summary")).contains("2 step(s) run, 2 succeeded");

        Set<Object> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ids.add(ok(registry.execute("maestro", "orchestrate", Map.of("task", "x", "dry_run", true)))
                    .get("task_id"));
        }
        assertThat(ids).hasSize(20);
    }

    @Test
    @SuppressWarnings("unchecked")
    void failuresAndProtocolFaultsAreReportedPerStep() {
        PlanTable table = PlanTable.builder()
                .category("unknown",
                        PlanTable.step("monitoring", "get_jvm_metrics", Map.of(), "works"),
                        PlanTable.step("flaky", "fail", Map.of(), "fails"),
                        PlanTable.step("monitoring", "list_processes", Map.of("limit", 0), "invalid arguments"),
                        PlanTable.step("monitoring", "no_such_capability", Map.of(), "missing"))
                .build();
        registry(MaestroAgent.builder().planTable(table).build(), false);
        registry.register(new FlakyAgent());
        Map<String, Object> result = ok(registry.execute("maestro", "orchestrate", Map.of("task", "hm")));
        List<Map<String, Object>> steps = (List<Map<String, Object>>) result.get("steps");
        assertThat(steps).extracting(s -> s.get("status"))
                .containsExactly("success", "failed", "error", "skipped");
        assertThat((Map<String, Object>) steps.get(1).get("error")).containsEntry("code", "broken");
        assertThat((Map<String, Object>) steps.get(2).get("error")).containsEntry("code", "invalid_arguments");
        Map<String, Object> synthesis = (Map<String, Object>) result.get("synthesis");
        assertThat(synthesis).containsEntry("success_rate", 0.333).containsEntry("requires_human", true);
        assertThat((List<String>) synthesis.get("findings")).hasSize(3)
                .anyMatch(f -> f.startsWith("flaky.fail failed (broken)"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void executeCommandRunsTheParsedCall() {
        registry(MaestroAgent.builder().build(), true);
        Map<String, Object> result = ok(registry.execute("maestro", "execute_command",
                Map.of("command", "@database.execute_query(sql=\"SELECT ? AS answer\", params=[42], limit=1)"),
                OPERATOR));
        assertThat(result).containsEntry("agent", "database").containsEntry("capability", "execute_query");
        assertThat((List<List<Object>>) ((Map<String, Object>) result.get("result")).get("rows"))
                .containsExactly(List.of(42L));

        assertThat(registry.execute("maestro", "execute_command", Map.of("command", "@database.execute_query(")).errorCode())
                .contains("invalid_command");
        assertThat(registry.execute("maestro", "execute_command", Map.of("command", "@nobody.nothing()")).errorCode())
                .contains("agent_not_found");
        assertThat(registry.execute("maestro", "execute_command",
                Map.of("command", "@monitoring.list_processes(limit=\"ten\")")).errorCode())
                .contains("invalid_arguments");
        AgentResponse nestedFailure = registry.execute("maestro", "execute_command",
                Map.of("command", "@database.execute_query(sql='DELETE FROM x')"));
        assertThat(nestedFailure.errorCode()).contains("read_only_violation");
        assertThat(nestedFailure.findError().orElseThrow().message()).startsWith("database.execute_query failed");
    }

    @Test
    void aViewerCannotRunAnActionThroughMaestro() {
        registry(MaestroAgent.builder().build(), false);
        AgentResponse denied = registry.execute("maestro", "execute_command",
                Map.of("command", "@cache.cache_set(key=\"k\", value=\"v\")"), VIEWER);
        assertThat(denied.success()).isFalse();
        assertThat(denied.errorCode()).contains("forbidden");
        assertThat(ok(registry.execute("cache", "cache_get", Map.of("key", "k")))).containsEntry("found", false);

        assertThat(ok(registry.execute("maestro", "execute_command",
                Map.of("command", "@cache.cache_get(key=\"k\")"), VIEWER))).containsEntry("capability", "cache_get");
        ok(registry.execute("maestro", "execute_command",
                Map.of("command", "@cache.cache_set(key=\"k\", value=\"v\")"), OPERATOR));
        assertThat(ok(registry.execute("cache", "cache_get", Map.of("key", "k")))).containsEntry("found", true);
    }

    @Test
    void eachExecutionEventNamesTheArgumentsOfItsOwnCall() {
        RecordingListener events = new RecordingListener();
        registry = AgentRegistry.builder().accessPolicy(POLICY).listener(events)
                .register(CacheAgent.builder().backend(CacheBackend.inMemory(100)).build())
                .register(MaestroAgent.builder().build()).build();
        registry.start();
        ok(registry.execute("maestro", "execute_command",
                Map.of("command", "@cache.cache_set(key=\"k\", value=\"secret-value\", ttl_seconds=60)"), OPERATOR));
        assertThat(events.events()).extracting(e -> e.agent() + "." + e.capability(), ExecutionEvent::argumentNames)
                .containsExactly(tuple("cache.cache_set", List.of("key", "value", "ttl_seconds")),
                        tuple("maestro.execute_command", List.of("command")));
        assertThat(events.events()).allSatisfy(e -> assertThat(e.toString()).doesNotContain("secret-value"));
    }

    @Test
    @Timeout(10)
    void deepOrHugeCommandArgumentsAreRefusedBeforeAnythingIsStored() {
        registry(MaestroAgent.builder().build(), false);
        for (String value : List.of("[".repeat(600) + "]".repeat(600), "[".repeat(9_000) + "]".repeat(9_000),
                "[1e40000000]", "-1e-40000000")) {
            AgentResponse refused = registry.execute("maestro", "execute_command",
                    Map.of("command", "@cache.cache_set(key=\"deep\", value=" + value + ")"), OPERATOR);
            assertThat(refused.success()).isFalse();
            assertThat(refused.errorCode()).contains("invalid_command");
        }
        assertThat(ok(registry.execute("cache", "cache_get", Map.of("key", "deep")))).containsEntry("found", false);
        assertThat(ok(registry.execute("cache", "cache_keys", Map.of()))).containsEntry("count", 0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aViewersOrchestrationCannotRunActionSteps() {
        PlanTable table = PlanTable.builder().category("unknown",
                PlanTable.step("cache", "cache_set", Map.of("key", "planned", "value", "v"), "writes"),
                PlanTable.step("cache", "cache_stats", Map.of(), "reads")).build();
        registry(MaestroAgent.builder().planTable(table).build(), false);
        Map<String, Object> result = ok(registry.execute("maestro", "orchestrate", Map.of("task", "hm"), VIEWER));
        List<Map<String, Object>> steps = (List<Map<String, Object>>) result.get("steps");
        assertThat(steps).extracting(s -> s.get("status")).containsExactly("error", "success");
        assertThat((Map<String, Object>) steps.get(0).get("error")).containsEntry("code", "forbidden");
        assertThat(ok(registry.execute("cache", "cache_get", Map.of("key", "planned")))).containsEntry("found", false);

        Map<String, Object> asOperator = ok(registry.execute("maestro", "orchestrate", Map.of("task", "hm"),
                OPERATOR));
        assertThat((List<Map<String, Object>>) asOperator.get("steps")).extracting(s -> s.get("status"))
                .containsExactly("success", "success");
    }

    @Test
    @SuppressWarnings("unchecked")
    void underAPurelyKindBasedPolicyViewersMayOrchestrateButNotExecuteCommands() {
        AccessPolicy kindOnly = (ctx, agent, capability) ->
                capability.kind() == CapabilityKind.QUERY || ctx.hasRole("operator");
        registry = AgentRegistry.builder().accessPolicy(kindOnly)
                .register(CacheAgent.builder().backend(CacheBackend.inMemory(10)).build())
                .register(MaestroAgent.builder().build()).build();
        registry.start();
        Map<String, Object> result = ok(registry.execute("maestro", "orchestrate",
                Map.of("task", "cache is cold"), VIEWER));
        assertThat((List<Map<String, Object>>) result.get("steps")).extracting(s -> s.get("status"))
                .contains("success");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> registry.execute("maestro", "execute_command",
                        Map.of("command", "@cache.cache_stats()"), VIEWER))
                .isInstanceOf(io.twisterlab.core.AccessDeniedException.class);
    }

    /** An agent whose only capability fails as a domain failure. */
    private static final class FlakyAgent extends AbstractCoreAgent {
        FlakyAgent() {
            super("flaky", "Fails", "1");
            query("fail", "Always fails").handler(inv -> AgentResponse.failure("broken", "it broke"));
        }
    }
}
