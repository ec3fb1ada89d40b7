package io.twisterlab.agents.monitoring;

import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.Invocation;
import io.twisterlab.core.Param;
import io.twisterlab.core.ParamType;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.hardware.VirtualMemory;
import oshi.software.os.OSFileStore;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

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

    private final Duration cpuSampleInterval;
    private final List<ServiceCheck> serviceChecks;
    private final SystemInfo systemInfo = new SystemInfo();

    private MonitoringAgent(Builder builder) {
        super(NAME, "Host and JVM metrics (OSHI, JMX), thresholds, top processes and health of agents and services",
                "1.0.0");
        this.cpuSampleInterval = builder.cpuSampleInterval;
        this.serviceChecks = List.copyOf(builder.serviceChecks);

        query("get_system_metrics", "CPU (sampled), load, memory, swap, file systems, network, uptime and the JVM")
                .handler(inv -> systemMetrics());
        query("get_jvm_metrics", "Heap, threads, garbage collection and uptime of this JVM")
                .handler(inv -> jvmMetrics());
        query("health_check", "Health of every registered agent and every configured service, with latency")
                .handler(this::healthCheck);
        query("check_thresholds", "Compares CPU, memory and every file system with thresholds; lists the breaches")
                .param(percent("cpu_percent_max", "CPU percent above which a breach is reported"))
                .param(percent("memory_percent_max", "Memory percent above which a breach is reported"))
                .param(percent("disk_percent_max", "File system usage percent above which a breach is reported"))
                .handler(inv -> checkThresholds(inv.arguments().getDouble("cpu_percent_max"),
                        inv.arguments().getDouble("memory_percent_max"),
                        inv.arguments().getDouble("disk_percent_max")));
        query("list_processes", "Top processes by CPU (sampled) or resident memory")
                .param(Param.builder("sort_by", ParamType.STRING).defaultValue("cpu").allowedValues("cpu", "memory")
                        .description("cpu or memory").build())
                .param(Param.builder("limit", ParamType.INTEGER).defaultValue(10).minimum(1).maximum(100)
                        .description("How many processes to return").build())
                .handler(inv -> listProcesses(inv.arguments().getString("sort_by"), inv.arguments().getInt("limit")));
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

    @Override
    public AgentHealth health() {
        try {
            int cpus = systemInfo.getHardware().getProcessor().getLogicalProcessorCount();
            return AgentHealth.of(HealthStatus.HEALTHY, "OSHI reads the host: " + cpus + " logical CPUs",
                    Map.of("logical_cpus", cpus));
        } catch (RuntimeException | LinkageError e) {
            return AgentHealth.unhealthy("OSHI cannot read this host: " + e.getClass().getSimpleName());
        }
    }

    // ---------------------------------------------------------------- system metrics

    private Map<String, Object> systemMetrics() throws InterruptedException {
        List<String> unavailable = new ArrayList<>();
        HardwareAbstractionLayer hal = systemInfo.getHardware();
        OperatingSystem os = systemInfo.getOperatingSystem();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("cpu", section(unavailable, "cpu", () -> cpu(hal.getProcessor(), unavailable)));
        result.put("memory", section(unavailable, "memory", () -> memory(hal.getMemory())));
        result.put("swap", section(unavailable, "swap", () -> swap(hal.getMemory().getVirtualMemory())));
        result.put("file_systems", section(unavailable, "file_systems", () -> fileSystems(os)));
        result.put("network", section(unavailable, "network", () -> network(hal)));
        result.put("host_uptime_seconds", section(unavailable, "host_uptime_seconds", os::getSystemUptime));
        result.put("os", section(unavailable, "os", () -> os.toString()));
        result.put("jvm", jvmMetrics());
        result.put("cpu_sample_ms", cpuSampleInterval.toMillis());
        result.put("unavailable", unavailable);
        return result;
    }

    private interface SectionReader {
        @Nullable Object read() throws InterruptedException;
    }

    /** Reads one part of the metrics; a part the platform cannot provide becomes null and is listed. */
    private static @Nullable Object section(List<String> unavailable, String name, SectionReader reader)
            throws InterruptedException {
        try {
            @Nullable Object value = reader.read();
            if (value == null) {
                unavailable.add(name);
            }
            return value;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("metric section {} unavailable", name, e);
            unavailable.add(name);
            return null;
        }
    }

    private Map<String, Object> cpu(CentralProcessor processor, List<String> unavailable)
            throws InterruptedException {
        Map<String, Object> cpu = new LinkedHashMap<>();
        @Nullable Double percent = sampleCpuPercent(processor);
        if (percent == null) {
            unavailable.add("cpu.percent");
        }
        cpu.put("percent", percent);
        cpu.put("logical_cpus", processor.getLogicalProcessorCount());
        cpu.put("physical_cpus", processor.getPhysicalProcessorCount());
        double[] load = processor.getSystemLoadAverage(3);
        if (load.length == 3 && load[0] >= 0) {
            cpu.put("load_average", List.of(round(load[0]), round(load[1]), round(load[2])));
        } else {
            cpu.put("load_average", null);
            unavailable.add("cpu.load_average");
        }
        return cpu;
    }

    /** System CPU busy percent between two tick snapshots taken {@link #cpuSampleInterval} apart. */
    private @Nullable Double sampleCpuPercent(CentralProcessor processor) throws InterruptedException {
        long[] before = processor.getSystemCpuLoadTicks();
        Thread.sleep(cpuSampleInterval.toMillis());
        double load = processor.getSystemCpuLoadBetweenTicks(before);
        return load >= 0 && !Double.isNaN(load) ? round(load * 100) : null;
    }

    private static Map<String, Object> memory(GlobalMemory memory) {
        long total = memory.getTotal();
        long available = memory.getAvailable();
        long used = total - available;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("total_bytes", total);
        result.put("available_bytes", available);
        result.put("used_bytes", used);
        result.put("percent", total > 0 ? round(100.0 * used / total) : null);
        return result;
    }

    private static Map<String, Object> swap(VirtualMemory virtual) {
        long total = virtual.getSwapTotal();
        long used = virtual.getSwapUsed();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("total_bytes", total);
        result.put("used_bytes", used);
        result.put("percent", total > 0 ? round(100.0 * used / total) : null);
        return result;
    }

    private static List<Map<String, Object>> fileSystems(OperatingSystem os) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (OSFileStore store : os.getFileSystem().getFileStores()) {
            long total = store.getTotalSpace();
            long free = store.getFreeSpace();
            long usable = store.getUsableSpace();
            long used = total - free;
            Map<String, Object> fs = new LinkedHashMap<>();
            fs.put("mount", store.getMount());
            fs.put("name", store.getName());
            fs.put("type", store.getType());
            fs.put("total_bytes", total);
            fs.put("used_bytes", used);
            fs.put("available_bytes", usable);
            // Like df: used / (used + available to unprivileged users).
            fs.put("percent", used + usable > 0 ? round(100.0 * used / (used + usable)) : null);
            result.add(fs);
        }
        return result;
    }

    private static List<Map<String, Object>> network(HardwareAbstractionLayer hal) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (NetworkIF nif : hal.getNetworkIFs(true)) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", nif.getName());
            n.put("bytes_received", nif.getBytesRecv());
            n.put("bytes_sent", nif.getBytesSent());
            n.put("packets_received", nif.getPacketsRecv());
            n.put("packets_sent", nif.getPacketsSent());
            n.put("errors_in", nif.getInErrors());
            n.put("errors_out", nif.getOutErrors());
            result.add(n);
        }
        return result;
    }

    // ---------------------------------------------------------------- JVM metrics

    static Map<String, Object> jvmMetrics() {
        Map<String, Object> jvm = new LinkedHashMap<>();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Map<String, Object> heapMap = new LinkedHashMap<>();
        heapMap.put("used_bytes", heap.getUsed());
        heapMap.put("committed_bytes", heap.getCommitted());
        heapMap.put("max_bytes", heap.getMax() >= 0 ? heap.getMax() : null);
        jvm.put("heap", heapMap);
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        jvm.put("non_heap_used_bytes", nonHeap.getUsed());
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Object> threadMap = new LinkedHashMap<>();
        threadMap.put("live", threads.getThreadCount());
        threadMap.put("daemon", threads.getDaemonThreadCount());
        threadMap.put("peak", threads.getPeakThreadCount());
        jvm.put("threads", threadMap);
        List<Map<String, Object>> gcs = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("name", gc.getName());
            g.put("count", gc.getCollectionCount() >= 0 ? gc.getCollectionCount() : null);
            g.put("time_ms", gc.getCollectionTime() >= 0 ? gc.getCollectionTime() : null);
            gcs.add(g);
        }
        jvm.put("gc", gcs);
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        jvm.put("uptime_ms", runtime.getUptime());
        jvm.put("available_processors", Runtime.getRuntime().availableProcessors());
        jvm.put("vm", runtime.getVmName() + " " + runtime.getVmVersion());
        return jvm;
    }

    // ---------------------------------------------------------------- health

    private Map<String, Object> healthCheck(Invocation inv) {
        List<Map<String, Object>> agents = new ArrayList<>();
        HealthStatus overall = HealthStatus.HEALTHY;
        for (CoreAgent agent : inv.directory().agents()) {
            long start = System.nanoTime();
            AgentHealth health;
            try {
                health = agent.health();
            } catch (RuntimeException e) {
                LOG.warn("health() of agent {} threw", agent.name(), e);
                health = AgentHealth.unhealthy("health() failed: " + e.getClass().getSimpleName());
            }
            overall = HealthStatus.worst(overall, health.status());
            agents.add(entry(agent.name(), "agent", health.status(), health.message(), start));
        }
        List<Map<String, Object>> services = new ArrayList<>();
        for (ServiceCheck check : serviceChecks) {
            long start = System.nanoTime();
            ServiceCheck.Result result;
            try {
                result = check.check();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                result = ServiceCheck.Result.unhealthy("check interrupted");
            } catch (Exception e) {
                result = ServiceCheck.Result.unhealthy("unreachable: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " (" + firstLine(e.getMessage()) + ")"));
            }
            overall = HealthStatus.worst(overall, result.status());
            services.add(entry(check.name(), check.kind(), result.status(), result.message(), start));
        }
        Map<String, Object> result = new LinkedHashMap<>();
        int checked = agents.size() + services.size();
        if (checked == 0) {
            overall = HealthStatus.DEGRADED;
        }
        result.put("overall", overall.name().toLowerCase(Locale.ROOT));
        result.put("checked", Map.of("agents", agents.size(), "services", services.size()));
        result.put("message", checked == 0
                ? "nothing was checked: no agent is registered in this directory and no service is configured"
                : "checked " + agents.size() + " agent(s) and " + services.size() + " service(s)");
        result.put("agents", agents);
        result.put("services", services);
        return result;
    }

    private static Map<String, Object> entry(String name, String kind, HealthStatus status, String message,
                                             long startNanos) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("kind", kind);
        e.put("status", status.name().toLowerCase(Locale.ROOT));
        e.put("latency_ms", round((System.nanoTime() - startNanos) / 1e6));
        e.put("message", message);
        return e;
    }

    private static String firstLine(String message) {
        String line = message.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    // ---------------------------------------------------------------- thresholds

    private Map<String, Object> checkThresholds(double cpuMax, double memoryMax, double diskMax)
            throws InterruptedException {
        HardwareAbstractionLayer hal = systemInfo.getHardware();
        List<String> unavailable = new ArrayList<>();
        List<Map<String, Object>> breaches = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();

        @Nullable Object cpu = section(unavailable, "cpu_percent", () -> sampleCpuPercent(hal.getProcessor()));
        values.put("cpu_percent", cpu);
        if (cpu instanceof Double v && v > cpuMax) {
            breaches.add(breach("cpu_percent", null, v, cpuMax));
        }
        @Nullable Object memory = section(unavailable, "memory_percent", () -> memory(hal.getMemory()).get("percent"));
        values.put("memory_percent", memory);
        if (memory instanceof Double v && v > memoryMax) {
            breaches.add(breach("memory_percent", null, v, memoryMax));
        }
        @Nullable Object disks = section(unavailable, "disk_percent",
                () -> fileSystems(systemInfo.getOperatingSystem()));
        List<Map<String, Object>> diskValues = new ArrayList<>();
        if (disks instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> fs = (Map<?, ?>) o;
                Object mount = Objects.requireNonNull(fs.get("mount"));
                @Nullable Object percent = fs.get("percent");
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("mount", mount);
                d.put("percent", percent);
                diskValues.add(d);
                if (percent instanceof Double v && v > diskMax) {
                    breaches.add(breach("disk_percent", mount.toString(), v, diskMax));
                }
            }
        }
        values.put("disks", diskValues);

        Map<String, Object> thresholds = new LinkedHashMap<>();
        thresholds.put("cpu_percent_max", cpuMax);
        thresholds.put("memory_percent_max", memoryMax);
        thresholds.put("disk_percent_max", diskMax);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("breached", !breaches.isEmpty());
        result.put("breaches", breaches);
        result.put("values", values);
        result.put("thresholds", thresholds);
        result.put("unavailable", unavailable);
        return result;
    }

    private static Map<String, Object> breach(String metric, @Nullable String mount, double value, double threshold) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("metric", metric);
        if (mount != null) {
            b.put("mount", mount);
        }
        b.put("value", value);
        b.put("threshold", threshold);
        return b;
    }

    // ---------------------------------------------------------------- processes

    private Map<String, Object> listProcesses(String sortBy, int limit) throws InterruptedException {
        OperatingSystem os = systemInfo.getOperatingSystem();
        List<Map<String, Object>> processes = new ArrayList<>();
        if (sortBy.equals("memory")) {
            for (OSProcess p : os.getProcesses(OperatingSystem.ProcessFiltering.ALL_PROCESSES,
                    OperatingSystem.ProcessSorting.RSS_DESC, limit)) {
                processes.add(process(p, null));
            }
        } else {
            Map<Integer, OSProcess> before = new HashMap<>();
            for (OSProcess p : os.getProcesses()) {
                before.put(p.getProcessID(), p);
            }
            Thread.sleep(cpuSampleInterval.toMillis());
            List<Map.Entry<OSProcess, Double>> sampled = new ArrayList<>();
            for (OSProcess p : os.getProcesses()) {
                OSProcess prior = before.get(p.getProcessID());
                double load = prior == null ? p.getProcessCpuLoadCumulative() : p.getProcessCpuLoadBetweenTicks(prior);
                sampled.add(Map.entry(p, Double.isNaN(load) ? 0.0 : load));
            }
            sampled.sort(Map.Entry.<OSProcess, Double>comparingByValue(Comparator.reverseOrder()));
            for (Map.Entry<OSProcess, Double> e : sampled.subList(0, Math.min(limit, sampled.size()))) {
                processes.add(process(e.getKey(), round(e.getValue() * 100)));
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("sort_by", sortBy);
        result.put("cpu_sample_ms", sortBy.equals("cpu") ? cpuSampleInterval.toMillis() : null);
        result.put("processes", processes);
        return result;
    }

    private static Map<String, Object> process(OSProcess p, @Nullable Double cpuPercent) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pid", p.getProcessID());
        m.put("name", p.getName());
        // Percent of one logical CPU over the sample (like top); null when sorted by memory without sampling.
        m.put("cpu_percent", cpuPercent);
        m.put("rss_bytes", p.getResidentSetSize());
        return m;
    }

    private static double round(double value) {
        return Math.round(value * 10.0) / 10.0;
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
