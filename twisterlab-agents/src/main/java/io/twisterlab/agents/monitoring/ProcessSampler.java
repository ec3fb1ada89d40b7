package io.twisterlab.agents.monitoring;

import static io.twisterlab.agents.monitoring.Readings.round;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/** The host's top processes, by CPU sampled over an interval or by resident memory, through OSHI. */
record ProcessSampler(SystemInfo systemInfo, Duration cpuSampleInterval) {
    /** @param sortBy {@code cpu} or {@code memory} */
    Map<String, Object> top(String sortBy, int limit) throws InterruptedException {
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
        m.put("rss_bytes", p.getResidentMemory());
        return m;
    }
}
