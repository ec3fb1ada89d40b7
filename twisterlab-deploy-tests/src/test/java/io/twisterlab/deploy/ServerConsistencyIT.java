package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment assets against the server itself ({@link ServerContract#current()}): probe paths are real
 * routes, every env var set on the API or in the image is a setting the server reads, every metric the alert
 * rules and the dashboard use is one the server exports.
 */
class ServerConsistencyIT {

    private final Manifests m = Manifests.base();
    private final ServerContract server = ServerContract.current();

    @Test
    void probePathsAreRealServerRoutes() {
        Container api = m.apiContainer();
        for (Probe probe : Stream.of(api.getStartupProbe(), api.getLivenessProbe(), api.getReadinessProbe()).toList()) {
            String path = probe.getHttpGet().getPath();
            assertThat(server.getStatus(path)).as("GET %s on %s", path, server.source()).isEqualTo(200);
        }
        ServiceMonitor sm = MonitoringTest.monitoringManifests().stream().filter(ServiceMonitor.class::isInstance)
                .map(ServiceMonitor.class::cast).findFirst().orElseThrow();
        sm.getSpec().getEndpoints().forEach(e -> assertThat(server.getStatus(e.getPath()))
                .as("GET %s (ServiceMonitor) on %s", e.getPath(), server.source()).isEqualTo(200));
        String annotated = m.apiDeployment().getSpec().getTemplate().getMetadata().getAnnotations().get("prometheus.io/path");
        assertThat(server.getStatus(annotated)).as("GET %s (annotation) on %s", annotated, server.source()).isEqualTo(200);
    }

    @Test
    void unknownPathsAre404SoTheCheckAboveMeansSomething() {
        assertThat(server.getStatus("/healthz")).isEqualTo(404);
    }

    @Test
    void everyEnvVarOnTheApiIsASettingTheServerReads() {
        assertThat(WorkloadTest.apiEnvNames(m)).as("env vars set on the API container vs settings of %s",
                server.source()).isNotEmpty().isSubsetOf(server.environmentVariables());
    }

    @Test
    void everyEnvVarOfTheImageIsASettingTheServerReads() {
        Map<String, String> env = DockerfileTest.env(DockerfileTest.runtime());
        assertThat(env.keySet()).as("ENV of the image vs settings of %s", server.source())
                .isNotEmpty().isSubsetOf(server.environmentVariables());
    }

    @Test
    void alertRulesUseOnlyMetricsTheServerExports() {
        for (Rule rule : MonitoringTest.rules()) {
            Set<String> names = PromQl.metricNames(rule.getExpr().getStrVal());
            assertThat(names).as("alert %s uses metrics not exported by %s", rule.getAlert(), server.source())
                    .isNotEmpty().isSubsetOf(exported());
        }
    }

    @Test
    void dashboardUsesOnlyMetricsTheServerExports() throws IOException {
        for (String expr : MonitoringTest.dashboardExprs()) {
            assertThat(PromQl.metricNames(expr)).as("dashboard query %s vs metrics of %s", expr, server.source())
                    .isNotEmpty().isSubsetOf(exported());
        }
        assertThat(MonitoringTest.dashboardVariableMetrics()).isNotEmpty().isSubsetOf(exported());
    }

    private Set<String> exported() {
        Set<String> names = new HashSet<>(server.metricSampleNames());
        names.addAll(MonitoringTest.PROMETHEUS_SYNTHETIC);
        return names;
    }
}
