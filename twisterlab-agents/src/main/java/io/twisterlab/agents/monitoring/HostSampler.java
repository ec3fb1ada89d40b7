package io.twisterlab.agents.monitoring;

import static io.twisterlab.agents.monitoring.Readings.round;
import static io.twisterlab.agents.monitoring.Readings.section;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.hardware.VirtualMemory;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

/** Reads the host through OSHI: CPU (sampled over an interval, never estimated), memory, swap, disks, network. */
record HostSampler(SystemInfo systemInfo, Duration cpuSampleInterval) {
    int logicalCpus() {
        return systemInfo.getHardware().getProcessor().getLogicalProcessorCount();
    }

    /** Every section of the host, this JVM, and the names of the sections the platform does not provide. */
    Map<String, Object> systemMetrics() throws InterruptedException {
        List<String> unavailable = new ArrayList<>();
        HardwareAbstractionLayer hal = systemInfo.getHardware();
        OperatingSystem os = systemInfo.getOperatingSystem();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("cpu", section(unavailable, "cpu", () -> cpu(hal.getProcessor(), unavailable)));
        result.put("memory", section(unavailable, "memory", this::memory));
        result.put("swap", section(unavailable, "swap", () -> swap(hal.getMemory().getVirtualMemory())));
        result.put("file_systems", section(unavailable, "file_systems", this::fileSystems));
        result.put("network", section(unavailable, "network", () -> network(hal)));
        result.put("host_uptime_seconds", section(unavailable, "host_uptime_seconds", os::getSystemUptime));
        result.put("os", section(unavailable, "os", () -> os.toString()));
        result.put("jvm", JvmSampler.read());
        result.put("cpu_sample_ms", cpuSampleInterval.toMillis());
        result.put("unavailable", unavailable);
        return result;
    }

    private Map<String, Object> cpu(CentralProcessor processor, List<String> unavailable)
            throws InterruptedException {
        Map<String, Object> cpu = new LinkedHashMap<>();
        @Nullable Double percent = cpuPercent();
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

    /** System CPU busy percent between two tick snapshots taken the sample interval apart. */
    @Nullable Double cpuPercent() throws InterruptedException {
        CentralProcessor processor = systemInfo.getHardware().getProcessor();
        long[] before = processor.getSystemCpuLoadTicks();
        Thread.sleep(cpuSampleInterval.toMillis());
        double load = processor.getSystemCpuLoadBetweenTicks(before);
        return load >= 0 && !Double.isNaN(load) ? round(load * 100) : null;
    }

    Map<String, Object> memory() {
        GlobalMemory memory = systemInfo.getHardware().getMemory();
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

    List<Map<String, Object>> fileSystems() {
        List<Map<String, Object>> result = new ArrayList<>();
        for (OSFileStore store : systemInfo.getOperatingSystem().getFileSystem().getFileStores()) {
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
}
