package io.twisterlab.deploy;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The server contract as DECLARED in issue 5 ("twisterlab-server"), written down by hand before the server
 * existed. NOT used to check the assets any more ({@link ServerContract#current()} is the live server); kept so
 * that {@code ServerConsistencyIT} can prove the real server still honours what issue 5 promised.
 *
 * <p>The JVM metric names are not hand-written: they come from a scrape of the real
 * prometheus-metrics-instrumentation-jvm library at the version the parent POM manages.
 */
final class DeclaredServerContract implements ServerContract {

    /** Issue 5, "Configuration": the env vars that are part of the server's public interface. */
    static final Set<String> ISSUE_5_DECLARED_ENV_VARS = Set.of(
            "TWISTERLAB_HOST", "TWISTERLAB_PORT", "TWISTERLAB_CONFIG", "TWISTERLAB_RATELIMIT_STORE",
            "TWISTERLAB_REDIS_URL", "TWISTERLAB_RATELIMIT_DEFAULT", "TWISTERLAB_RATELIMIT_FAILURE_POLICY",
            "TWISTERLAB_TRUSTED_PROXIES", "TWISTERLAB_API_KEYS", "TWISTERLAB_AUTH", "TWISTERLAB_DATABASE_URL",
            "TWISTERLAB_LOG_FORMAT");

    /** Issue 5, "Routes": statuses of GET on the unauthenticated operational routes with default settings. */
    static final Map<String, Integer> ISSUE_5_DECLARED_GET_STATUS = Map.of(
            "/", 200, "/health", 200, "/ready", 200, "/metrics", 200, "/api/v1/system/health", 200);

    /** Issue 5, "Metrics": the names as exposed (histogram series suffixes, counter _total). */
    static final Set<String> ISSUE_5_DECLARED_METRIC_SAMPLES = Set.of(
            "twisterlab_http_request_duration_seconds_bucket",
            "twisterlab_http_request_duration_seconds_sum",
            "twisterlab_http_request_duration_seconds_count",
            "twisterlab_agent_executions_total",
            "twisterlab_agent_execution_duration_seconds_bucket",
            "twisterlab_agent_execution_duration_seconds_sum",
            "twisterlab_agent_execution_duration_seconds_count",
            "twisterlab_ratelimit_decisions_total",
            "twisterlab_ratelimit_store_errors_total",
            "twisterlab_ratelimit_degraded",
            "twisterlab_build_info");

    /** Declared after the sets it reads (static initialization order). */
    static final DeclaredServerContract INSTANCE = new DeclaredServerContract();

    private final Set<String> metricSampleNames;

    private DeclaredServerContract() {
        Set<String> names = new LinkedHashSet<>(ISSUE_5_DECLARED_METRIC_SAMPLES);
        names.addAll(jvmMetricSampleNames());
        this.metricSampleNames = Set.copyOf(names);
    }

    @Override
    public String source() {
        return "the server contract DECLARED in issue 5";
    }

    @Override
    public Set<String> environmentVariables() {
        return ISSUE_5_DECLARED_ENV_VARS;
    }

    @Override
    public int getStatus(String path) {
        return ISSUE_5_DECLARED_GET_STATUS.getOrDefault(path, 404);
    }

    @Override
    public Set<String> metricSampleNames() {
        return metricSampleNames;
    }

    /** What JvmMetrics (as the server registers it) exposes, from a real scrape of the library. */
    static Set<String> jvmMetricSampleNames() {
        PrometheusRegistry registry = new PrometheusRegistry();
        JvmMetrics.builder().register(registry);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Exposition.sampleNames(out.toString(StandardCharsets.UTF_8));
    }
}
