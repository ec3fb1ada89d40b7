package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.Rule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.twisterlab.core.ExecutionOutcome;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Scrape config, ServiceMonitor, alert rules and dashboard point at the real Service. That they use only metrics
 * the server exports is checked in {@link ServerConsistencyIT}.
 */
class MonitoringTest {

    /** Series Prometheus itself adds to every target; not exported by the server. */
    static final Set<String> PROMETHEUS_SYNTHETIC = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped");

    private static final String JOB = "twisterlab-api";
    private static final Pattern JOB_MATCHER = Pattern.compile("\\bjob\\s*=\\s*\"([^\"]*)\"");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");

    private final Manifests base = Manifests.base();
    private final List<HasMetadata> monitoring = monitoringManifests();

    static List<HasMetadata> monitoringManifests() {
        return Kustomization.manifests(Repo.path("k8s/monitoring"));
    }

    /** Every PromQL expression of the Grafana dashboard (panel targets). */
    static List<String> dashboardExprs() throws IOException {
        JsonNode dashboard = StrictYaml.JSON.readTree(Repo.read("k8s/monitoring/grafana-dashboard-twisterlab.json"));
        List<String> exprs = new ArrayList<>();
        dashboard.findValues("targets").forEach(ts -> ts.forEach(t -> exprs.add(t.path("expr").asText())));
        return exprs;
    }

    /** Metric names used by the dashboard's template variables ({@code label_values(metric, label)}). */
    static Set<String> dashboardVariableMetrics() throws IOException {
        JsonNode dashboard = StrictYaml.JSON.readTree(Repo.read("k8s/monitoring/grafana-dashboard-twisterlab.json"));
        Set<String> names = new HashSet<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            Matcher m = LABEL_VALUES.matcher(variable.path("definition").asText());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @Test
    void serviceMonitorScrapesTheApiServicePort() {
        ServiceMonitor sm = monitoring.stream().filter(ServiceMonitor.class::isInstance).map(ServiceMonitor.class::cast)
                .findFirst().orElseThrow();
        Service api = base.service(JOB);
        assertThat(Manifests.matches(sm.getSpec().getSelector(), api.getMetadata().getLabels()))
                .as("ServiceMonitor selector matches the labels of Service %s", JOB).isTrue();
        List<Service> selected = base.all(Service.class).stream()
                .filter(s -> Manifests.matches(sm.getSpec().getSelector(), s.getMetadata().getLabels())).toList();
        assertThat(selected).as("ServiceMonitor selects only the API Service").containsExactly(api);
        assertThat(sm.getSpec().getNamespaceSelector().getMatchNames()).containsExactly(Manifests.NAMESPACE);
        assertThat(sm.getSpec().getEndpoints()).singleElement().satisfies(e -> {
            assertThat(api.getSpec().getPorts()).extracting(p -> p.getName()).contains(e.getPort());
            assertThat(e.getPath()).isEqualTo("/metrics");
        });
        // the job label (used by rules and dashboard) defaults to the Service name
        assertThat(sm.getSpec().getJobLabel()).isNull();
    }

    @Test
    void plainScrapeConfigKeepsTheApiServicePortAndNamesTheJobLikeTheServiceMonitor() {
        JsonNode config = StrictYaml.documents(Repo.path("k8s/monitoring/prometheus-scrape-config.yaml")).get(0);
        JsonNode job = config.path("scrape_configs").get(0);
        assertThat(job.path("job_name").asText()).isEqualTo(JOB);
        assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
        assertThat(job.path("kubernetes_sd_configs").get(0).path("namespaces").path("names").get(0).asText())
                .isEqualTo(Manifests.NAMESPACE);
        Map<String, String> keeps = new LinkedHashMap<>();
        job.path("relabel_configs").forEach(r -> {
            if ("keep".equals(r.path("action").asText())) {
                keeps.put(r.path("source_labels").get(0).asText(), r.path("regex").asText());
            }
        });
        Service api = base.service(keeps.get("__meta_kubernetes_service_name"));
        assertThat(api.getSpec().getPorts()).extracting(p -> p.getName())
                .contains(keeps.get("__meta_kubernetes_endpoint_port_name"));
        // the pod annotations for annotation-based discovery agree too
        Map<String, String> annotations = base.apiDeployment().getSpec().getTemplate().getMetadata().getAnnotations();
        assertThat(annotations).containsEntry("prometheus.io/path", "/metrics")
                .containsEntry("prometheus.io/port", String.valueOf(base.apiContainer().getPorts().get(0).getContainerPort()));
    }

    @Test
    void theRequiredAlertsExist() {
        assertThat(rules()).extracting(Rule::getAlert).contains("TwisterLabApiDown", "TwisterLabApiHighErrorRate",
                "TwisterLabApiHighLatencyP95", "TwisterLabRateLimitStoreDegraded", "TwisterLabHigh429Rate");
        assertThat(rules()).allSatisfy(r -> {
            assertThat(r.getLabels()).as(r.getAlert()).containsKey("severity");
            assertThat(r.getAnnotations()).as(r.getAlert()).containsKeys("summary", "description");
            assertThat(r.getFor()).as(r.getAlert()).isNotBlank();
        });
    }

    @Test
    void alertRulesSelectTheApiJob() {
        for (Rule rule : rules()) {
            String expr = rule.getExpr().getStrVal();
            assertThat(PromQl.metricNames(expr)).as("metrics of alert %s", rule.getAlert()).isNotEmpty();
            Matcher job = JOB_MATCHER.matcher(expr);
            assertThat(job.find()).as("alert %s selects job=...", rule.getAlert()).isTrue();
            do {
                assertThat(job.group(1)).as("job in alert %s", rule.getAlert()).isEqualTo(JOB);
            } while (job.find());
        }
    }

    @Test
    void dashboardIsProvisionedAndShowsWhatTheIssueAsksFor() throws IOException {
        Kustomization k = Kustomization.load(Repo.path("k8s/monitoring"));
        Kustomization.Generator gen = k.configMapGenerators().stream()
                .filter(g -> g.fileNames().contains("grafana-dashboard-twisterlab.json")).findFirst().orElseThrow();
        assertThat(gen.options().labels()).containsEntry("grafana_dashboard", "1");

        JsonNode dashboard = StrictYaml.JSON.readTree(Repo.read("k8s/monitoring/grafana-dashboard-twisterlab.json"));
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        List<String> exprs = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id %s", panel.path("id")).isTrue();
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            assertThat(panel.path("targets")).as("targets of panel %s", panel.path("title")).isNotEmpty();
            panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
        }
        assertThat(exprs).allSatisfy(e -> assertThat(PromQl.metricNames(e)).as(e).isNotEmpty());
        // everything the issue asks to see on the dashboard
        String all = String.join("\n", exprs);
        assertThat(all).contains("twisterlab_http_request_duration_seconds_count", "twisterlab_http_request_duration_seconds_bucket",
                "status=\"429\"", "twisterlab_agent_executions_total", "twisterlab_ratelimit_store_errors_total",
                "twisterlab_ratelimit_degraded", "jvm_memory_used_bytes", "jvm_gc_collection_seconds");
    }

    @Test
    void outcomeLabelValuesAreOnesTheMetricsCarry() throws IOException {
        List<String> exprs = new ArrayList<>(dashboardExprs());
        rules().forEach(r -> exprs.add(r.getExpr().getStrVal()));
        Set<String> agentOutcomes = new HashSet<>();
        for (ExecutionOutcome o : ExecutionOutcome.values()) {
            agentOutcomes.add(o.label());
        }
        // issue 5: outcome = allowed | denied | shadow_denied
        Set<String> decisionOutcomes = Set.of("allowed", "denied", "shadow_denied");
        int checked = 0;
        for (String expr : exprs) {
            for (PromQl.LabelMatcher lm : PromQl.matchers(expr, "twisterlab_agent_executions_total")) {
                if (lm.label().equals("outcome") && !lm.op().contains("~")) {
                    assertThat(agentOutcomes).as(expr).contains(lm.value());
                    checked++;
                }
            }
            for (PromQl.LabelMatcher lm : PromQl.matchers(expr, "twisterlab_ratelimit_decisions_total")) {
                if (lm.label().equals("outcome") && !lm.op().contains("~")) {
                    assertThat(decisionOutcomes).as(expr).contains(lm.value());
                    checked++;
                }
            }
            for (PromQl.LabelMatcher lm : PromQl.matchers(expr, "jvm_memory_used_bytes")) {
                if (lm.label().equals("area")) {
                    assertThat(lm.value()).as(expr).isIn("heap", "nonheap");
                }
            }
        }
        assertThat(checked).isPositive();
    }

    static List<Rule> rules() {
        return monitoringManifests().stream().filter(PrometheusRule.class::isInstance).map(PrometheusRule.class::cast)
                .flatMap(r -> r.getSpec().getGroups().stream()).flatMap(g -> g.getRules().stream()).toList();
    }
}
