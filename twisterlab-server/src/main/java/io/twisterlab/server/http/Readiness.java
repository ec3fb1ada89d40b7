package io.twisterlab.server.http;

import io.twisterlab.core.AgentRegistry;
import io.twisterlab.server.ServerConfig.ReadyRequires;
import io.twisterlab.server.observe.HealthChecks;
import io.twisterlab.server.ratelimit.RequestLimiter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether this instance should receive traffic, from the last results of the background checks (never waiting for
 * a dependency): {@code ready} when every check passes; {@code degraded} (still 200) when a check that
 * {@code server.ready_requires} does not name fails; not ready (503) only while starting (registry not started,
 * first round of checks not finished), while draining (after {@code stop()}), or when a required check fails.
 * A required agent check passes when healthy or degraded; {@code ratelimit} passes while the store is not degraded.
 */
final class Readiness {
    private final AgentRegistry registry;
    private final HealthChecks checks;
    private final RequestLimiter limiter;
    private final ReadyRequires requires;

    /**
     * One evaluation.
     *
     * @param ready   whether to answer 200
     * @param status  {@code ready}, {@code degraded}, or why not ready (the problem's {@code reason}):
     *                {@code starting}, {@code draining}, {@code required_check_failing}
     * @param checks  every check by name with its status, message, age and whether it is required
     * @param failing names of the checks that do not pass
     */
    record Report(boolean ready, String status, Map<String, Object> checks, List<String> failing) {
    }

    Readiness(AgentRegistry registry, HealthChecks checks, RequestLimiter limiter, ReadyRequires requires) {
        this.registry = registry;
        this.checks = checks;
        this.limiter = limiter;
        this.requires = requires;
    }

    Report evaluate() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> failing = new ArrayList<>();
        boolean requiredFailing = false;
        boolean started = registry.isStarted();
        out.put("registry", Map.of("status", started ? "up" : "down"));
        Instant now = checks.clock().instant();
        for (Map.Entry<String, HealthChecks.Result> e : checks.results().entrySet()) {
            HealthChecks.Result r = e.getValue();
            boolean required = requires.requires(e.getKey());
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("status", r.state().id());
            check.put("message", r.message());
            check.put("age_seconds", r.ageSeconds(now));
            check.put("required", required);
            out.put(e.getKey(), check);
            if (r.state() != HealthChecks.State.HEALTHY) {
                failing.add(e.getKey());
                requiredFailing |= required && r.state() != HealthChecks.State.DEGRADED;
            }
        }
        if (limiter.enabled()) {
            Map<String, Object> check = new LinkedHashMap<>(limiter.describe());
            check.put("required", requires.ratelimit());
            out.put("ratelimit", check);
            if (limiter.degraded()) {
                failing.add("ratelimit");
                requiredFailing |= requires.ratelimit();
            }
        }
        HealthChecks.Phase phase = checks.phase();
        String status;
        if (phase == HealthChecks.Phase.STOPPED) {
            status = "draining";
        } else if (!started || phase != HealthChecks.Phase.RUNNING) {
            status = "starting";
        } else if (requiredFailing) {
            status = "required_check_failing";
        } else {
            return new Report(true, failing.isEmpty() ? "ready" : "degraded", out, failing);
        }
        return new Report(false, status, out, failing);
    }
}
