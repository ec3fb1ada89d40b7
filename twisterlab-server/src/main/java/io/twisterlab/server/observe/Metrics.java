package io.twisterlab.server.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.twisterlab.core.ExecutionEvent;
import io.twisterlab.core.ExecutionListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Every metric the server exports, in a registry of its own (never the global default, so several servers can run
 * in one JVM). Rate-limit metrics are created only when rate limiting is enabled, so nothing is defined that
 * nothing updates.
 */
public final class Metrics implements ExecutionListener {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final Histogram httpDuration;
    private final Counter executions;
    private final Histogram executionDuration;
    private @Nullable Counter rateLimitDecisions;
    private @Nullable Counter rateLimitStoreErrors;
    private @Nullable Gauge rateLimitDegraded;

    /** Metrics of a build whose git revision is unknown. */
    public Metrics(String version) {
        this(version, "unknown");
    }

    /**
     * @param version  the {@code version} label of {@code twisterlab_build_info}
     * @param revision its {@code revision} label: the git commit of the build
     */
    public Metrics(String version, String revision) {
        httpDuration = Histogram.builder()
                .name("twisterlab_http_request_duration_seconds")
                .help("HTTP request duration by method, matched route template (or 'unmatched') and status")
                .labelNames("method", "route", "status")
                .classicOnly()
                .withoutExemplars()
                .register(registry);
        executions = Counter.builder()
                .name("twisterlab_agent_executions_total")
                .help("Capability executions by agent, capability and outcome")
                .labelNames("agent", "capability", "outcome")
                .withoutExemplars()
                .register(registry);
        executionDuration = Histogram.builder()
                .name("twisterlab_agent_execution_duration_seconds")
                .help("Capability execution duration by agent and capability")
                .labelNames("agent", "capability")
                .classicOnly()
                .withoutExemplars()
                .register(registry);
        Info buildInfo = Info.builder()
                .name("twisterlab_build_info")
                .help("Build information of the running server")
                .labelNames("version", "revision")
                .register(registry);
        buildInfo.setLabelValues(version, revision);
        JvmMetrics.builder().register(registry);
    }

    /** Creates the rate-limit metrics; call once when rate limiting is enabled. */
    public void enableRateLimitMetrics() {
        rateLimitDecisions = Counter.builder()
                .name("twisterlab_ratelimit_decisions_total")
                .help("Rate-limit decisions by policy and outcome (allowed, denied, shadow_denied)")
                .labelNames("policy", "outcome")
                .withoutExemplars()
                .register(registry);
        rateLimitStoreErrors = Counter.builder()
                .name("twisterlab_ratelimit_store_errors_total")
                .help("Rate-limit store failures answered by the failure policy")
                .labelNames("store")
                .withoutExemplars()
                .register(registry);
        rateLimitDegraded = Gauge.builder()
                .name("twisterlab_ratelimit_degraded")
                .help("1 while the rate-limit store decides under its failure policy, else 0")
                .register(registry);
        rateLimitDegraded.set(0);
    }

    /**
     * Creates {@code twisterlab_ratelimit_tracked_keys}, read at each scrape from the memory store, or from the redis
     * store's local fallback; call once.
     */
    public void trackInMemoryKeys(IntSupplier trackedKeys) {
        GaugeWithCallback.builder()
                .name("twisterlab_ratelimit_tracked_keys")
                .help("(limit, client) pairs tracked in memory by the rate-limit store (the memory store, or the "
                        + "redis store's local fallback during an outage), at most ratelimit.memory_max_keys")
                .callback(cb -> cb.call(trackedKeys.getAsInt()))
                .register(registry);
    }

    /**
     * Creates {@code twisterlab_health_check_status} (1 healthy, 0 degraded, unhealthy or not checked yet) and
     * {@code twisterlab_health_check_age_seconds} (age of the last result; none while starting), read at each scrape
     * from the background checks. The label named check is a registered check's name, a closed set; call once.
     */
    public void trackHealthChecks(HealthChecks checks) {
        GaugeWithCallback.builder()
                .name("twisterlab_health_check_status")
                .help("1 if the check's last result is healthy, 0 if degraded, unhealthy or not checked yet")
                .labelNames("check")
                .callback(cb -> checks.results().forEach((name, r) ->
                        cb.call(r.state() == HealthChecks.State.HEALTHY ? 1 : 0, name)))
                .register(registry);
        GaugeWithCallback.builder()
                .name("twisterlab_health_check_age_seconds")
                .help("Seconds since the check's last result was recorded (checks run in the background)")
                .labelNames("check")
                .callback(cb -> {
                    Instant now = checks.clock().instant();
                    checks.results().forEach((name, r) -> {
                        Duration age = r.age(now);
                        if (age != null) {
                            cb.call(age.toMillis() / 1000.0, name);
                        }
                    });
                })
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /**
     * Labels come from closed sets, never from client text: {@code method} one of the standard methods or
     * {@code other}, {@code route} a matched template or {@code unmatched}, {@code status} an HTTP status code.
     */
    public void observeHttp(String method, String route, int status, long nanos) {
        httpDuration.labelValues(method, route, Integer.toString(status)).observe(nanos / 1e9);
    }

    @Override
    public void onExecution(ExecutionEvent e) {
        executions.labelValues(e.agent(), e.capability(), e.outcome().label()).inc();
        executionDuration.labelValues(e.agent(), e.capability()).observe(e.duration().toNanos() / 1e9);
    }

    public void rateLimitDecision(String policy, String outcome) {
        if (rateLimitDecisions != null) {
            rateLimitDecisions.labelValues(policy, outcome).inc();
        }
    }

    public void rateLimitStoreError(String store) {
        if (rateLimitStoreErrors != null) {
            rateLimitStoreErrors.labelValues(store).inc();
        }
    }

    public void rateLimitDegraded(boolean degraded) {
        if (rateLimitDegraded != null) {
            rateLimitDegraded.set(degraded ? 1 : 0);
        }
    }

    /** A scrape in the format the Accept header asks for (OpenMetrics or Prometheus text). */
    public record Scrape(String contentType, byte[] body) {
    }

    public Scrape scrape(@Nullable String accept) {
        ExpositionFormatWriter writer = formats.findWriter(accept);
        if (!writer.isAvailable()) {
            writer = formats.getPrometheusTextFormatWriter();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Scrape(writer.getContentType(), out.toByteArray());
    }
}
