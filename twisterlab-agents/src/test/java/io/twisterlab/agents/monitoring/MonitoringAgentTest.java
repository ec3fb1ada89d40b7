package io.twisterlab.agents.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.spi.ProviderContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonitoringAgentTest {
    private final MonitoringAgent agent = MonitoringAgent.builder().cpuSampleInterval(Duration.ofMillis(5)).build();

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(AgentResponse response) {
        assertThat(response.success()).as("%s", response.error()).isTrue();
        return (Map<String, Object>) response.data();
    }

    @Test
    @SuppressWarnings("unchecked")
    void systemMetricsAreMeasured() {
        Map<String, Object> data = data(agent.execute(AgentCall.of("get_system_metrics", Map.of())));
        List<String> unavailable = (List<String>) data.get("unavailable");
        Map<String, Object> cpu = (Map<String, Object>) data.get("cpu");
        // the machine running the tests has a CPU: "unavailable" would be a bug here, not an answer
        assertThat(unavailable).as("unavailable").doesNotContain("cpu.percent");
        assertThat(cpu.get("percent")).as("cpu.percent").isInstanceOf(Double.class);
        assertThat((Double) cpu.get("percent")).as("cpu.percent").isBetween(0.0, 100.0);
        assertThat((Integer) cpu.get("logical_cpus")).isPositive();
        Map<String, Object> memory = (Map<String, Object>) data.get("memory");
        assertThat((Long) memory.get("total_bytes")).isPositive();
        assertThat((Long) memory.get("used_bytes")).isLessThanOrEqualTo((Long) memory.get("total_bytes"));
        assertThat(data.get("file_systems")).isInstanceOf(List.class);
        assertThat(data).containsKeys("swap", "network", "host_uptime_seconds", "jvm");
        assertThat(data.get("cpu_sample_ms")).isEqualTo(5L);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jvmMetricsComeFromTheManagementBeans() {
        Map<String, Object> data = data(agent.execute(AgentCall.of("get_jvm_metrics", Map.of())));
        Map<String, Object> heap = (Map<String, Object>) data.get("heap");
        assertThat((Long) heap.get("used_bytes")).isPositive();
        assertThat((Long) heap.get("committed_bytes")).isGreaterThanOrEqualTo((Long) heap.get("used_bytes"));
        assertThat((Integer) ((Map<String, Object>) data.get("threads")).get("live")).isPositive();
        assertThat((List<Object>) data.get("gc")).isNotEmpty();
        assertThat((Long) data.get("uptime_ms")).isPositive();
    }

    @Test
    @SuppressWarnings("unchecked")
    void thresholdsOfZeroReportMemoryAsABreachAndHundredReportsNone() {
        Map<String, Object> strict = data(agent.execute(AgentCall.of("check_thresholds",
                Map.of("cpu_percent_max", 100, "memory_percent_max", 0, "disk_percent_max", 100))));
        assertThat(strict.get("breached")).isEqualTo(true);
        List<Map<String, Object>> breaches = (List<Map<String, Object>>) strict.get("breaches");
        assertThat(breaches).anySatisfy(b -> {
            assertThat(b.get("metric")).isEqualTo("memory_percent");
            assertThat((Double) b.get("value")).isPositive();
            assertThat(b.get("threshold")).isEqualTo(0.0);
        });
        Map<String, Object> lenient = data(agent.execute(AgentCall.of("check_thresholds",
                Map.of("cpu_percent_max", 100, "memory_percent_max", 100, "disk_percent_max", 100))));
        assertThat(lenient.get("breached")).isEqualTo(false);
        assertThat((List<Object>) lenient.get("breaches")).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void processesAreSortedByResidentMemory() {
        Map<String, Object> data = data(agent.execute(AgentCall.of("list_processes",
                Map.of("sort_by", "memory", "limit", 5))));
        List<Map<String, Object>> processes = (List<Map<String, Object>>) data.get("processes");
        assertThat(processes).isNotEmpty().hasSizeLessThanOrEqualTo(5);
        List<Long> rss = processes.stream().map(p -> (Long) p.get("rss_bytes")).toList();
        assertThat(rss).isSortedAccordingTo((a, b) -> Long.compare(b, a));
    }

    @Test
    @SuppressWarnings("unchecked")
    void processesAreSortedBySampledCpu() {
        Map<String, Object> data = data(agent.execute(AgentCall.of("list_processes", Map.of("limit", 3))));
        List<Map<String, Object>> processes = (List<Map<String, Object>>) data.get("processes");
        assertThat(processes).isNotEmpty().hasSizeLessThanOrEqualTo(3);
        List<Double> cpu = processes.stream().map(p -> (Double) p.get("cpu_percent")).toList();
        assertThat(cpu).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(processes.get(0)).containsKeys("pid", "name", "rss_bytes");
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthCheckWithNothingToCheckIsNotHealthy() {
        Map<String, Object> data = data(agent.execute(AgentCall.of("health_check", Map.of())));
        assertThat(data.get("overall")).isEqualTo("degraded");
        assertThat(data.get("checked")).isEqualTo(Map.of("agents", 0, "services", 0));
        assertThat((String) data.get("message")).contains("nothing was checked");
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthCheckCoversEveryAgentAndServiceAndTakesTheWorst() throws IOException {
        MonitoringAgent withService = MonitoringAgent.builder().cpuSampleInterval(Duration.ofMillis(5))
                .serviceCheck(ServiceCheck.redis("redis", URI.create("redis://127.0.0.1:" + closedPort()),
                        Duration.ofSeconds(1)))
                .build();
        try (AgentRegistry registry = AgentRegistry.builder().register(withService)
                .register(new FixedHealthAgent(AgentHealth.of(HealthStatus.DEGRADED, "half broken", Map.of())))
                .build()) {
            registry.start();
            Map<String, Object> data = data(registry.execute("monitoring", "health_check", Map.of()));
            assertThat(data.get("checked")).isEqualTo(Map.of("agents", 2, "services", 1));
            List<Map<String, Object>> agents = (List<Map<String, Object>>) data.get("agents");
            assertThat(agents).extracting(a -> a.get("name"), a -> a.get("status"))
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("monitoring", "healthy"),
                            org.assertj.core.groups.Tuple.tuple("fixed", "degraded"));
            List<Map<String, Object>> services = (List<Map<String, Object>>) data.get("services");
            assertThat(services).singleElement().satisfies(s -> {
                assertThat(s.get("name")).isEqualTo("redis");
                assertThat(s.get("status")).isEqualTo("unhealthy");
                assertThat((String) s.get("message")).startsWith("unreachable");
                assertThat(s).containsKey("latency_ms");
            });
            assertThat(data.get("overall")).isEqualTo("unhealthy");
        }
    }

    @Test
    void providerHonoursEnabledFlagAndValidatesConfiguration() {
        MonitoringAgentProvider provider = new MonitoringAgentProvider();
        assertThat(provider.createAgents(ProviderContext.empty())).singleElement()
                .extracting(a -> a.name()).isEqualTo("monitoring");
        assertThat(provider.createAgents(ProviderContext.builder()
                .config("agents.monitoring.enabled", "false").build())).isEmpty();
        assertThatThrownBy(() -> provider.createAgents(ProviderContext.builder()
                .config("agents.monitoring.enabled", "maybe").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agents.monitoring.enabled");
        assertThatThrownBy(() -> provider.createAgents(ProviderContext.builder()
                .config("cache.backend", "memcached").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache.backend");
    }

    @Test
    @SuppressWarnings("unchecked")
    void providerProbesTheConfiguredLlmEndpoint() throws IOException {
        MonitoringAgent configured = (MonitoringAgent) new MonitoringAgentProvider().createAgents(
                ProviderContext.builder().config("llm.url", "http://127.0.0.1:" + closedPort()).build())
                .iterator().next();
        Map<String, Object> data = data(configured.execute(AgentCall.of("health_check", Map.of())));
        assertThat((List<Map<String, Object>>) data.get("services")).singleElement()
                .satisfies(s -> assertThat(s).containsEntry("name", "llm").containsEntry("status", "unhealthy"));
        assertThat(data.get("overall")).isEqualTo("unhealthy");
    }

    /** A port that nothing listens on (bound, then released). */
    @Test
    void theRedisProbeTakesEveryRedisUrlFormAndNeverQuotesTheCredentials() throws Exception {
        MonitoringAgentProvider provider = new MonitoringAgentProvider();
        for (String url : List.of("redis://:pw@cache:6379", "redis-sentinel://:pw@s1:26379,s2:26379#mymaster",
                "rediss-cluster://:pw@n1:7000,n2:7001")) {
            assertThat(provider.createAgents(ProviderContext.builder().config("cache.backend", "redis")
                    .config("redis.url", url).build())).as(url).hasSize(1);
        }
        ProviderContext bad = ProviderContext.builder().config("cache.backend", "redis")
                .config("redis.url", "redis-cluster://:hunter2@n1:7000/3").build();
        assertThatThrownBy(() -> provider.createAgents(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis.url").satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain("hunter2");
                    }
                });
        try (ServiceCheck cluster = ServiceCheck.redis("redis", "redis-cluster://:hunter2@127.0.0.1:" + closedPort()
                + ",127.0.0.1:" + closedPort(), Duration.ofSeconds(1))) {
            assertThat(cluster.check()).isEqualTo(ServiceCheck.Result.unhealthy("no master answered PING"));
            assertThat(cluster.toString()).doesNotContain("hunter2");
        }
    }

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static final class FixedHealthAgent extends AbstractCoreAgent {
        private final AgentHealth health;

        FixedHealthAgent(AgentHealth health) {
            super("fixed", "Reports a fixed health", "1");
            this.health = health;
            query("noop", "Does nothing").handler(inv -> Map.of());
        }

        @Override
        public AgentHealth health() {
            return health;
        }
    }
}
