package io.twisterlab.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.server.ServerConfig;
import io.twisterlab.server.observe.HealthChecks;
import io.twisterlab.server.observe.Metrics;
import io.twisterlab.server.ratelimit.RateLimiting;
import io.twisterlab.server.ratelimit.RequestLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which states make an instance unready, and which only degrade it. */
class ReadinessTest {
    static final class Dep extends AbstractCoreAgent {
        final AtomicReference<AgentHealth> health = new AtomicReference<>(AgentHealth.healthy("up"));

        Dep(String name) {
            super(name, "A dependency", "1.0.0");
            query("ping", "Pings").handler(inv -> Map.of());
        }

        @Override
        public AgentHealth health() {
            return health.get();
        }
    }

    private final Dep db = new Dep("database");
    private final Dep llm = new Dep("maestro");
    private final AgentRegistry registry = AgentRegistry.builder().register(db).register(llm).build();
    private final RequestLimiter limiter = RateLimiting.create(ServerConfig.defaults(), new Metrics("test"));
    private final HealthChecks checks = new HealthChecks(this::agentChecks, Duration.ofMinutes(10),
            Duration.ofSeconds(2), HealthChecks.Scheduler.daemon(), Clock.systemUTC());

    private Map<String, Supplier<AgentHealth>> agentChecks() {
        Map<String, Supplier<AgentHealth>> out = new LinkedHashMap<>();
        for (CoreAgent a : registry.agents()) {
            out.put("agent:" + a.name(), a::health);
        }
        return out;
    }

    private Readiness.Report report(String requires) {
        return new Readiness(registry, checks, limiter, ServerConfig.ReadyRequires.parse(requires)).evaluate();
    }

    @AfterEach
    void close() {
        checks.close();
        registry.close();
        limiter.close();
    }

    @Test
    void startingUntilTheRegistryRunsAndTheFirstRoundIsDone() {
        assertThat(report("")).extracting(Readiness.Report::ready, Readiness.Report::status)
                .containsExactly(false, "starting");
        registry.start();
        assertThat(report("").status()).as("registry up, checks not run").isEqualTo("starting");
        checks.start();
        assertThat(report("")).extracting(Readiness.Report::ready, Readiness.Report::status)
                .containsExactly(true, "ready");
    }

    @Test
    void aFailingOptionalCheckDegradesAndARequiredOneMakesUnready() {
        db.health.set(AgentHealth.unhealthy("connection refused"));
        llm.health.set(AgentHealth.of(HealthStatus.DEGRADED, "LLM not reachable", Map.of()));
        registry.start();
        checks.start();
        Readiness.Report optional = report("");
        assertThat(optional).extracting(Readiness.Report::ready, Readiness.Report::status)
                .containsExactly(true, "degraded");
        assertThat(optional.failing()).containsExactly("agent:database", "agent:maestro");
        assertThat(report("agent:database")).extracting(Readiness.Report::ready, Readiness.Report::status)
                .containsExactly(false, "required_check_failing");
        assertThat(report("agent:maestro")).as("a required agent that is degraded still serves")
                .extracting(Readiness.Report::ready, Readiness.Report::status).containsExactly(true, "degraded");
    }

    @Test
    void drainingOnceTheChecksStop() {
        registry.start();
        checks.start();
        checks.close();
        assertThat(report("")).extracting(Readiness.Report::ready, Readiness.Report::status)
                .containsExactly(false, "draining");
    }
}
