package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import io.twisterlab.ratelimit.StoreKind;
import io.twisterlab.server.ServerConfig;
import java.util.HashMap;
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
    void imageEnvPlusConfigMapPlusSecretIsAValidServerConfiguration() {
        // the pod's environment: image ENV < ConfigMap (envFrom) < the Secret keys the API container references
        Map<String, String> env = new HashMap<>(DockerfileTest.env(DockerfileTest.runtime()));
        env.putAll(m.configMap().getData());
        Set<String> apiEnv = WorkloadTest.apiEnvNames(m);
        StrictYaml.documents(Repo.path("k8s/secret.example.yaml")).get(0).path("stringData").properties().stream()
                .filter(e -> apiEnv.contains(e.getKey()))
                .forEach(e -> env.put(e.getKey(), e.getValue().asText()));

        ServerConfig config = ServerConfig.load(null, env, Map.of());   // throws ConfigException naming the setting

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(m.apiContainer().getPorts().get(0).getContainerPort());
        assertThat(config.rateLimit().store()).isEqualTo(StoreKind.REDIS);
        assertThat(config.auth().enabled()).isTrue();
        assertThat(config.auth().apiKeys()).isNotEmpty();
        assertThat(config.rateLimit().trustedProxies()).isNotEmpty();
        assertThat(config.logFormat()).isEqualTo(ServerConfig.LogFormat.JSON);
    }

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

    @Test
    void theLiveServerHonoursWhatIssue5Declared() {
        ServerContract declared = DeclaredServerContract.INSTANCE;
        assertThat(server.environmentVariables()).containsAll(declared.environmentVariables());
        assertThat(server.metricSampleNames()).containsAll(declared.metricSampleNames());
        DeclaredServerContract.ISSUE_5_DECLARED_GET_STATUS.keySet().forEach(path ->
                assertThat(server.getStatus(path)).as("GET %s", path).isEqualTo(declared.getStatus(path)));
    }

    private Set<String> exported() {
        Set<String> names = new HashSet<>(server.metricSampleNames());
        names.addAll(MonitoringTest.PROMETHEUS_SYNTHETIC);
        return names;
    }
}
