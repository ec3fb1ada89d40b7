package io.twisterlab.agents.monitoring;

import static io.twisterlab.agents.monitoring.Readings.round;

import io.twisterlab.core.AgentDirectory;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.CoreAgent;
import io.twisterlab.core.HealthStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The health of every agent in a directory and every configured service, with latency, and the worst of them. */
final class HealthReport {
    private static final Logger LOG = LoggerFactory.getLogger(HealthReport.class);

    private HealthReport() {
    }

    static Map<String, Object> check(AgentDirectory directory, List<ServiceCheck> serviceChecks) {
        List<Map<String, Object>> agents = new ArrayList<>();
        HealthStatus overall = HealthStatus.HEALTHY;
        for (CoreAgent agent : directory.agents()) {
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
}
