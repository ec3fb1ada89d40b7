package io.twisterlab.agents.monitoring;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** This JVM's heap, threads, garbage collection and uptime, from the platform management beans (JMX). */
final class JvmSampler {
    private JvmSampler() {
    }

    static Map<String, Object> read() {
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
}
