package io.twisterlab.agents.monitoring;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.Param;
import io.twisterlab.core.ParamType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;

/**
 * The {@code monitoring} agent: real host and JVM metrics. CPU percentages are measured over a short sample
 * interval (default 250 ms), never estimated; a metric the platform does not provide is {@code null} and named in
 * the result's {@code unavailable} list.
 *
 * <p>Capabilities (all queries): {@code get_system_metrics}, {@code get_jvm_metrics}, {@code health_check},
 * {@code check_thresholds(cpu_percent_max, memory_percent_max, disk_percent_max)},
 * {@code list_processes(sort_by, limit)}.
 *
 * <pre>{@code
 * MonitoringAgent agent = MonitoringAgent.builder()
 *         .cpuSampleInterval(Duration.ofMillis(100))
 *         .serviceCheck(ServiceCheck.redis("redis", URI.create("redis://localhost:6379"), Duration.ofSeconds(1)))
 *         .build();
 * registry.register(agent);
 * registry.execute("monitoring", "check_thresholds", Map.of("cpu_percent_max", 85));
 * }</pre>
 */
public final class MonitoringAgent extends AbstractCoreAgent {
    /** The agent's canonical name. */
    public static final String NAME = "monitoring";
    private static final Logger LOG = LoggerFactory.getLogger(MonitoringAgent.class);

    private final HostSampler host;
    private final List<ServiceCheck> serviceChecks;

    private MonitoringAgent(Builder builder) {
        super(NAME, "Host and JVM metrics (OSHI, JMX), thresholds, top processes and health of agents and services",
                "1.0.0");
        SystemInfo systemInfo = new SystemInfo();
        this.host = new HostSampler(systemInfo, builder.cpuSampleInterval);
        ProcessSampler processes = new ProcessSampler(systemInfo, builder.cpuSampleInterval);
        this.serviceChecks = List.copyOf(builder.serviceChecks);

        query("get_system_metrics", "CPU (sampled), load, memory, swap, file systems, network, uptime and the JVM")
                .handler(inv -> host.systemMetrics());
        query("get_jvm_metrics", "Heap, threads, garbage collection and uptime of this JVM")
                .handler(inv -> JvmSampler.read());
        query("health_check", "Health of every registered agent and every configured service, with latency")
                .handler(inv -> HealthReport.check(inv.directory(), serviceChecks));
        query("check_thresholds", "Compares CPU, memory and every file system with thresholds; lists the breaches")
                .param(percent("cpu_percent_max", "CPU percent above which a breach is reported"))
                .param(percent("memory_percent_max", "Memory percent above which a breach is reported"))
                .param(percent("disk_percent_max", "File system usage percent above which a breach is reported"))
                .handler(inv -> ThresholdCheck.check(host, inv.arguments().getDouble("cpu_percent_max"),
                        inv.arguments().getDouble("memory_percent_max"),
                        inv.arguments().getDouble("disk_percent_max")));
        query("list_processes", "Top processes by CPU (sampled) or resident memory")
                .param(Param.builder("sort_by", ParamType.STRING).defaultValue("cpu").allowedValues("cpu", "memory")
                        .description("cpu or memory").build())
                .param(Param.builder("limit", ParamType.INTEGER).defaultValue(10).minimum(1).maximum(100)
                        .description("How many processes to return").build())
                .handler(inv -> processes.top(inv.arguments().getString("sort_by"), inv.arguments().getInt("limit")));
    }

    private static Param percent(String name, String description) {
        return Param.builder(name, ParamType.NUMBER).defaultValue(90.0).minimum(0).maximum(100)
                .description(description).build();
    }

    /** A monitoring agent with the default sample interval and no service checks. */
    public static MonitoringAgent create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Closes the service checks (the clients of Sentinel and Cluster checks). */
    @Override
    public void stop() {
        for (ServiceCheck check : serviceChecks) {
            try {
                check.close();
            } catch (RuntimeException e) {
                LOG.warn("service check '{}' failed to close cleanly", check.name(), e);
            }
        }
    }

    @Override
    public AgentHealth health() {
        try {
            int cpus = host.logicalCpus();
            return AgentHealth.of(HealthStatus.HEALTHY, "OSHI reads the host: " + cpus + " logical CPUs",
                    Map.of("logical_cpus", cpus));
        } catch (RuntimeException | LinkageError e) {
            return AgentHealth.unhealthy("OSHI cannot read this host: " + e.getClass().getSimpleName());
        }
    }

    /**
     * Builder for {@link MonitoringAgent}.
     *
     * <pre>{@code
     * MonitoringAgent.builder().cpuSampleInterval(Duration.ofMillis(50)).serviceCheck(check).build();
     * }</pre>
     */
    public static final class Builder {
        private Duration cpuSampleInterval = Duration.ofMillis(250);
        private final List<ServiceCheck> serviceChecks = new ArrayList<>();

        private Builder() {
        }

        /** How long CPU usage is sampled for (system and per-process); between 1 ms and 10 s. */
        public Builder cpuSampleInterval(Duration interval) {
            if (interval.toMillis() < 1 || interval.compareTo(Duration.ofSeconds(10)) > 0) {
                throw new IllegalArgumentException("cpu sample interval must be between 1 ms and 10 s: " + interval);
            }
            this.cpuSampleInterval = interval;
            return this;
        }

        /** Adds a service that {@code health_check} probes. */
        public Builder serviceCheck(ServiceCheck check) {
            serviceChecks.add(Objects.requireNonNull(check, "check"));
            return this;
        }

        public MonitoringAgent build() {
            return new MonitoringAgent(this);
        }
    }
}
