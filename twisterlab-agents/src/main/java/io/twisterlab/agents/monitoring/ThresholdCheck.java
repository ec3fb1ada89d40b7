package io.twisterlab.agents.monitoring;

import static io.twisterlab.agents.monitoring.Readings.section;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Compares the host's CPU, memory and every file system with thresholds and lists the breaches. */
final class ThresholdCheck {
    private ThresholdCheck() {
    }

    static Map<String, Object> check(HostSampler host, double cpuMax, double memoryMax, double diskMax)
            throws InterruptedException {
        List<String> unavailable = new ArrayList<>();
        List<Map<String, Object>> breaches = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();

        @Nullable Object cpu = section(unavailable, "cpu_percent", host::cpuPercent);
        values.put("cpu_percent", cpu);
        if (cpu instanceof Double v && v > cpuMax) {
            breaches.add(breach("cpu_percent", null, v, cpuMax));
        }
        @Nullable Object memory = section(unavailable, "memory_percent", () -> host.memory().get("percent"));
        values.put("memory_percent", memory);
        if (memory instanceof Double v && v > memoryMax) {
            breaches.add(breach("memory_percent", null, v, memoryMax));
        }
        @Nullable Object disks = section(unavailable, "disk_percent", host::fileSystems);
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
}
