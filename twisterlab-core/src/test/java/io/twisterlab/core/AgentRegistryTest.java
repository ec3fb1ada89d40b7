package io.twisterlab.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.core.testing.EchoAgent;
import io.twisterlab.core.testing.RelayAgent;
import io.twisterlab.core.testing.SlowAgent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentRegistryTest {
    private final List<ExecutionEvent> events = new CopyOnWriteArrayList<>();
    private AgentRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private AgentRegistry.Builder builder() {
        return AgentRegistry.builder().listener(events::add);
    }

    @Test
    void findsByExactNameThenByNormalisedAlias() {
        registry = builder().register(new EchoAgent("monitoring")).register(new EchoAgent("cache")).build();
        for (String alias : List.of("monitoring", "Monitoring_Agent", "real-monitoring", "MONITORING",
                "monitoring-agent", "MonitoringAgent", "real_Monitoring")) {
            assertThat(registry.find(alias)).as(alias).get().extracting(CoreAgent::name).isEqualTo("monitoring");
        }
        assertThat(registry.get("CACHE").name()).isEqualTo("cache");
    }

    @Test
    void neverMatchesSubstrings() {
        registry = builder().register(new EchoAgent("monitoring")).build();
        for (String near : List.of("monitor", "mon", "itoring", "monitoringx", "realmonitoring", "agent", "")) {
            assertThat(registry.find(near)).as(near).isEmpty();
        }
        assertThatThrownBy(() -> registry.get("monitor")).isInstanceOf(AgentNotFoundException.class)
                .hasMessage("No agent named 'monitor'");
    }

    @Test
    void exactNameWinsOverAnotherAgentsAlias() {
        registry = builder().register(new EchoAgent("db")).build();
        registry.register(new EchoAgent("database"));
        assertThat(registry.get("database").name()).isEqualTo("database");
        assertThat(registry.get("db").name()).isEqualTo("db");
    }

    @Test
    void duplicateNamesFailFast() {
        registry = builder().register(new EchoAgent("cache")).build();
        assertThatThrownBy(() -> registry.register(new EchoAgent("cache")))
                .isInstanceOf(AgentRegistrationException.class)
                .hasMessageContaining("an agent named 'cache' is already registered");
        assertThatThrownBy(() -> builder().register(new EchoAgent("x")).register(new EchoAgent("x")).build())
                .isInstanceOf(AgentRegistrationException.class);
    }

    @Test
    void ambiguousAliasesFailFast() {
        registry = builder().register(new EchoAgent("monitoring")).build();
        for (String clash : List.of("monitoring-agent", "monitoring_agent", "real-monitoring", "monitoring_")) {
            assertThatThrownBy(() -> registry.register(new EchoAgent(clash))).as(clash)
                    .isInstanceOf(AgentRegistrationException.class)
                    .hasMessageContaining("ambiguous with 'monitoring'");
        }
        assertThat(registry.agents()).extracting(CoreAgent::name).containsExactly("monitoring");
    }

    @Test
    void unregisterRemovesNameAndAliasAndStopsTheAgent() {
        List<String> lifecycle = new ArrayList<>();
        registry = builder().register(new LifecycleAgent("alpha", lifecycle)).build();
        registry.start();
        assertThat(registry.unregister("alpha")).isPresent();
        assertThat(registry.find("ALPHA")).isEmpty();
        assertThat(registry.unregister("alpha")).isEmpty();
        assertThat(lifecycle).containsExactly("start alpha", "stop alpha");
        registry.register(new EchoAgent("alpha-agent"));
        assertThat(registry.get("alpha").name()).isEqualTo("alpha-agent");
    }

    @Test
    void startsInOrderStopsInReverseAndStartsLateRegistrations() {
        List<String> lifecycle = new ArrayList<>();
        registry = builder().register(new LifecycleAgent("a", lifecycle))
                .register(new LifecycleAgent("b", lifecycle)).build();
        registry.start();
        registry.start();
        registry.register(new LifecycleAgent("c", lifecycle));
        registry.stop();
        assertThat(lifecycle).containsExactly("start a", "start b", "start c", "stop c", "stop b", "stop a");
        assertThat(registry.isStarted()).isFalse();
    }

    @Test
    void aFailingStartStopsTheAgentsAlreadyStarted() {
        List<String> lifecycle = new ArrayList<>();
        registry = builder().register(new LifecycleAgent("a", lifecycle))
                .register(new LifecycleAgent("broken", lifecycle)).build();
        assertThatThrownBy(registry::start).isInstanceOf(AgentRegistrationException.class)
                .hasMessageContaining("agent 'broken' failed to start");
        assertThat(lifecycle).containsExactly("start a", "stop a");
        assertThat(registry.isStarted()).isFalse();
    }

    @Test
    void executesWithMetadataAndNotifiesListeners() {
        registry = builder().register(new EchoAgent()).build();
        AgentResponse response = registry.execute("Echo", "echo", Map.of("text", "ab", "times", 2),
                ExecutionContext.of("alice", Set.of("viewer"), "req-1"));
        assertThat(response.success()).isTrue();
        assertThat(response.data()).isEqualTo(Map.of("text", "abab"));
        assertThat(response.metadata().agent()).isEqualTo("echo");
        assertThat(response.metadata().capability()).isEqualTo("echo");
        assertThat(response.metadata().requestId()).isEqualTo("req-1");
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(ExecutionOutcome.SUCCESS);
            assertThat(e.context().principal()).isEqualTo("alice");
            assertThat(e.kind()).isEqualTo(CapabilityKind.QUERY);
            assertThat(e.errorCode()).isNull();
        });
    }

    @Test
    void eventsCarryTheArgumentNamesOfTheirOwnCallNeverTheValues() {
        registry = builder().register(new EchoAgent()).register(new RelayAgent()).build();
        registry.execute("relay", "relay", Map.of("agent", "echo", "capability", "echo",
                "arguments", Map.of("text", "hidden-value")));
        assertThat(events).hasSize(2);
        assertThat(events.get(0).capability()).isEqualTo("echo");
        assertThat(events.get(0).argumentNames()).containsExactly("text");
        assertThat(events.get(1).capability()).isEqualTo("relay");
        assertThat(events.get(1).argumentNames()).containsExactlyInAnyOrder("agent", "capability", "arguments");
        assertThat(events).allSatisfy(e -> assertThat(e.toString()).doesNotContain("hidden-value"));
        assertThatThrownBy(() -> registry.execute("echo", "echo", Map.of("text", "x", "b@d name", 1)))
                .isInstanceOf(InvalidArgumentsException.class);
        assertThat(events.get(2).argumentNames()).containsExactlyInAnyOrder("text", "b?d?name");
    }

    @Test
    void domainFailuresAreValuesNotExceptions() {
        registry = builder().register(new EchoAgent()).build();
        AgentResponse response = registry.execute("echo", "fail", Map.of());
        assertThat(response.success()).isFalse();
        assertThat(response.error()).isEqualTo(AgentError.of("nope", "this capability always fails"));
        assertThat(events).singleElement().extracting(ExecutionEvent::outcome, ExecutionEvent::errorCode)
                .containsExactly(ExecutionOutcome.FAILURE, "nope");
    }

    @Test
    void aThrowingHandlerBecomesASanitisedInternalError() {
        registry = builder().register(new EchoAgent()).build();
        AgentResponse response = registry.execute("echo", "explode", Map.of(),
                ExecutionContext.of("bob", Set.of(), "req-9"));
        assertThat(response.success()).isFalse();
        assertThat(response.errorCode()).contains(AgentError.INTERNAL_ERROR);
        assertThat(response.error().message()).doesNotContain("secret", "IllegalStateException", "pw@")
                .contains("req-9");
        assertThat(registry.execute("echo", "echo", Map.of("text", "still works")).success()).isTrue();
    }

    @Test
    void anAgentThatThrowsOutsideAHandlerAlsoBecomesAnInternalError() {
        registry = builder().register(new ThrowingAgent()).build();
        AgentResponse response = registry.execute("throwing", "anything", Map.of());
        assertThat(response.errorCode()).contains(AgentError.INTERNAL_ERROR);
        assertThat(response.error().message()).doesNotContain("boom");
    }

    @Test
    void anAgentThatOverridesExecuteIsRunThroughItsOverride() {
        List<String> seen = new CopyOnWriteArrayList<>();
        AbstractCoreAgent wrapping = new AbstractCoreAgent("wrapping", "wraps execute", "1") {
            {
                query("noop", "does nothing").handler(inv -> Map.of());
            }

            @Override
            public AgentResponse execute(AgentCall call) {
                seen.add(call.capability());
                return super.execute(call);
            }
        };
        registry = builder().register(wrapping).build();
        assertThat(registry.execute("wrapping", "noop", Map.of()).success()).isTrue();
        registry.close();
        registry = builder().defaultTimeout(Duration.ofSeconds(5)).register(wrapping).build();
        assertThat(registry.execute("wrapping", "noop", Map.of()).metadata().agent()).isEqualTo("wrapping");
        assertThat(seen).containsExactly("noop", "noop");
    }

    @Test
    void aProtocolFaultFromAnAgentsExecuteReachesTheCallerEvenUnderATimeout() {
        CoreAgent refusing = new ThrowingAgent() {
            @Override
            public AgentResponse execute(AgentCall call) {
                throw new AccessDeniedException(call.context().principal(), "elsewhere", "nested");
            }
        };
        registry = builder().defaultTimeout(Duration.ofSeconds(5)).register(refusing).build();
        assertThatThrownBy(() -> registry.execute("throwing", "anything", Map.of()))
                .isInstanceOf(AccessDeniedException.class).hasMessage("'system' may not execute elsewhere.nested");
    }

    @Test
    void protocolFaultsAreExceptions() {
        registry = builder().register(new EchoAgent()).build();
        assertThatThrownBy(() -> registry.execute("nope", "echo", Map.of()))
                .isInstanceOf(AgentNotFoundException.class);
        assertThatThrownBy(() -> registry.execute("echo", "nope", Map.of()))
                .isInstanceOf(CapabilityNotFoundException.class)
                .hasMessage("Agent 'echo' has no capability 'nope'");
        assertThatThrownBy(() -> registry.execute("echo", "echo", Map.of("text", 5)))
                .isInstanceOf(InvalidArgumentsException.class);
        assertThat(events).singleElement().extracting(ExecutionEvent::outcome)
                .isEqualTo(ExecutionOutcome.INVALID_ARGUMENTS);
    }

    @Test
    void theAccessPolicyIsConsultedBeforeExecution() {
        AccessPolicy queriesOnlyForViewers = (ctx, agent, capability) ->
                capability.kind() == CapabilityKind.QUERY || ctx.hasRole("operator");
        registry = builder().accessPolicy(queriesOnlyForViewers).register(new EchoAgent()).build();
        ExecutionContext viewer = ExecutionContext.of("vera", Set.of("viewer"), null);
        assertThat(registry.execute("echo", "echo", Map.of("text", "hi"), viewer).success()).isTrue();
        assertThatThrownBy(() -> registry.execute("echo", "fail", Map.of(), viewer))
                .isInstanceOf(AccessDeniedException.class).hasMessage("'vera' may not execute echo.fail");
        assertThat(registry.execute("echo", "fail", Map.of(), ExecutionContext.of("otto", Set.of("operator"), null))
                .errorCode()).contains("nope");
        assertThat(events).extracting(ExecutionEvent::outcome).containsExactly(ExecutionOutcome.SUCCESS,
                ExecutionOutcome.DENIED, ExecutionOutcome.FAILURE);
    }

    @Test
    void nestedCallsRunWithTheCallersAuthority() {
        AccessPolicy queriesOnlyForViewers = (ctx, agent, capability) ->
                capability.kind() == CapabilityKind.QUERY || ctx.hasRole("operator");
        registry = builder().accessPolicy(queriesOnlyForViewers).register(new EchoAgent())
                .register(new RelayAgent()).build();
        ExecutionContext viewer = ExecutionContext.of("vera", Set.of("viewer"), null);
        Map<String, Object> relayQuery = Map.of("agent", "echo", "capability", "echo",
                "arguments", Map.of("text", "x"));
        assertThat(registry.execute("relay", "relay", relayQuery, viewer).data())
                .isEqualTo(Map.of("nested_success", true));
        Map<String, Object> relayAction = Map.of("agent", "echo", "capability", "fail");
        assertThatThrownBy(() -> registry.execute("relay", "relay", relayAction, viewer))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(registry.execute("relay", "relay", relayAction, ExecutionContext.of("o", Set.of("operator"), null))
                .data()).isEqualTo(Map.of("nested_success", false));
    }

    @Test
    void aHandlerThatOverrunsItsTimeoutFailsAndTheRegistryStaysUsable() throws Exception {
        SlowAgent slow = new SlowAgent();
        registry = builder().register(slow).build();
        AgentResponse response = registry.execute("slow", "slow", Map.of());
        assertThat(response.success()).isFalse();
        assertThat(response.errorCode()).contains(AgentError.TIMEOUT);
        assertThat(response.error().message()).isEqualTo("slow.slow did not complete within 100 ms");
        assertThat(events).singleElement().extracting(ExecutionEvent::outcome).isEqualTo(ExecutionOutcome.TIMEOUT);
        assertThat(registry.execute("slow", "fast", Map.of()).success()).isTrue();
    }

    @Test
    void theDefaultTimeoutAppliesToCapabilitiesWithoutTheirOwn() {
        AbstractCoreAgent sleepy = new AbstractCoreAgent("sleepy", "never returns", "1") {
            {
                query("wait", "waits forever").handler(inv -> {
                    new java.util.concurrent.CountDownLatch(1).await();
                    return null;
                });
            }
        };
        registry = builder().defaultTimeout(Duration.ofMillis(50)).register(sleepy).build();
        assertThat(registry.execute("sleepy", "wait", Map.of()).errorCode()).contains(AgentError.TIMEOUT);
    }

    @Test
    void invalidArgumentsAreReportedEvenUnderATimeout() {
        registry = builder().defaultTimeout(Duration.ofSeconds(5)).register(new EchoAgent()).build();
        assertThatThrownBy(() -> registry.execute("echo", "echo", Map.of()))
                .isInstanceOf(InvalidArgumentsException.class);
    }

    @Test
    void healthIsTheWorstAgentStatusAndAThrowingCheckIsUnhealthy() {
        registry = builder().register(new EchoAgent())
                .register(new HealthAgent("limping", AgentHealth.of(HealthStatus.DEGRADED, "slow disk", Map.of())))
                .build();
        assertThat(registry.health().status()).isEqualTo(HealthStatus.DEGRADED);
        registry.register(new HealthAgent("broken", null));
        RegistryHealth health = registry.health();
        assertThat(health.status()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(health.agents()).containsOnlyKeys("echo", "limping", "broken");
        assertThat(health.agents().get("broken").message()).isEqualTo("health check failed");
    }

    @Test
    void aFailingListenerDoesNotBreakExecution() {
        registry = AgentRegistry.builder().listener(e -> {
            throw new IllegalStateException("listener bug");
        }).register(new EchoAgent()).build();
        assertThat(registry.execute("echo", "echo", Map.of("text", "x")).success()).isTrue();
    }

    private static final class LifecycleAgent extends AbstractCoreAgent {
        private final List<String> lifecycle;

        LifecycleAgent(String name, List<String> lifecycle) {
            super(name, "records lifecycle", "1");
            this.lifecycle = lifecycle;
            query("noop", "does nothing").handler(inv -> null);
        }

        @Override
        public void start() {
            if (name().equals("broken")) {
                throw new IllegalStateException("cannot start");
            }
            lifecycle.add("start " + name());
        }

        @Override
        public void stop() {
            lifecycle.add("stop " + name());
        }
    }

    private static final class HealthAgent extends AbstractCoreAgent {
        private final AgentHealth health;

        HealthAgent(String name, AgentHealth health) {
            super(name, "reports a fixed health", "1");
            this.health = health;
            query("noop", "does nothing").handler(inv -> null);
        }

        @Override
        public AgentHealth health() {
            if (health == null) {
                throw new IllegalStateException("health probe crashed");
            }
            return health;
        }
    }

    /** Implements CoreAgent directly and throws from execute, bypassing AbstractCoreAgent's mapping. */
    private static class ThrowingAgent implements CoreAgent {
        private final Capability anything = Capability.query("anything").handler(inv -> null);

        @Override
        public String name() {
            return "throwing";
        }

        @Override
        public String description() {
            return "throws";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public List<Capability> capabilities() {
            return List.of(anything);
        }

        @Override
        public AgentResponse execute(AgentCall call) {
            throw new IllegalStateException("boom");
        }
    }
}
