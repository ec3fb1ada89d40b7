package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Deployments, Services, probes, env, HPA, PDB and Ingress agree with each other. What they must agree on with
 * the server itself (routes, settings) is checked in {@link ServerConsistencyIT}.
 */
class WorkloadTest {

    private final Manifests m = Manifests.base();

    @Test
    void deploymentSelectorsMatchTheirTemplatesAndCarryAppAndComponent() {
        for (Deployment d : m.all(Deployment.class)) {
            String name = d.getMetadata().getName();
            Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(Manifests.matches(d.getSpec().getSelector(), labels)).as("%s selector vs template", name).isTrue();
            assertThat(labels).as(name).containsEntry("app", "twisterlab").containsKey("component");
            assertThat(d.getMetadata().getLabels()).as("%s metadata labels", name).containsAllEntriesOf(
                    d.getSpec().getSelector().getMatchLabels());
            // no two workloads share pods
            assertThat(m.podsMatching(d.getSpec().getSelector())).as("pods selected by %s", name).hasSize(1);
        }
        Deployment api = m.apiDeployment();
        assertThat(api.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app", "twisterlab").containsEntry("component", "api");
        assertThat(api.getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void servicesSelectPodsAndTargetRealPorts() {
        for (Service s : m.all(Service.class)) {
            String name = s.getMetadata().getName();
            List<Manifests.Pod> pods = m.podsMatching(s.getSpec().getSelector());
            assertThat(pods).as("pods behind Service %s", name).hasSize(1);
            for (ServicePort port : s.getSpec().getPorts()) {
                String protocol = Optional.ofNullable(port.getProtocol()).orElse("TCP");
                assertThat(pods.get(0).hasPort(port.getTargetPort(), protocol))
                        .as("Service %s targetPort %s is a container port of %s", name, port.getTargetPort(),
                                pods.get(0).owner()).isTrue();
                assertThat(port.getName()).as("Service %s port name", name).isNotBlank();
            }
        }
        Service api = m.service("twisterlab-api");
        assertThat(api.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(api.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getPort()).isEqualTo(8000));
    }

    @Test
    void apiListensWhereTheServerIsConfiguredToListen() {
        Map<String, String> config = m.configMap().getData();
        assertThat(config).containsEntry("TWISTERLAB_HOST", "0.0.0.0");
        int port = Integer.parseInt(config.get("TWISTERLAB_PORT"));
        assertThat(m.apiContainer().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getContainerPort()).isEqualTo(port);
            assertThat(p.getName()).isEqualTo("http");
        });
    }

    @Test
    void probesUseHttpGetsOnTheContainerPort() {
        Container api = m.apiContainer();
        Manifests.Pod pod = m.podsMatching(m.apiDeployment().getSpec().getSelector()).get(0);
        assertThat(api.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health");
        assertThat(api.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        for (Probe probe : Stream.of(api.getStartupProbe(), api.getLivenessProbe(), api.getReadinessProbe()).toList()) {
            assertThat(probe).isNotNull();
            HTTPGetAction get = probe.getHttpGet();
            assertThat(get).as("API probes are HTTP GETs").isNotNull();
            assertThat(pod.hasPort(get.getPort(), "TCP")).as("probe port %s is a container port", get.getPort()).isTrue();
        }
    }

    @Test
    void apiEnvComesFromTheConfigMapAndTheSecret() {
        Container api = m.apiContainer();
        assertThat(api.getEnvFrom()).singleElement().satisfies(from -> {
            assertThat(from.getConfigMapRef().getName()).isEqualTo(Manifests.CONFIG_MAP);
            assertThat(from.getPrefix()).isNull();
        });
        assertThat(m.configMap().getData()).containsEntry("TWISTERLAB_RATELIMIT_STORE", "redis");
    }

    /** Names of every env var the API container gets: ConfigMap keys (envFrom) and its own env entries. */
    static Set<String> apiEnvNames(Manifests m) {
        Set<String> names = new HashSet<>(m.configMap().getData().keySet());
        Optional.ofNullable(m.apiContainer().getEnv()).orElse(List.of()).forEach(e -> names.add(e.getName()));
        return names;
    }

    @Test
    void secretReferencesNameTheGeneratedSecretAndDocumentedKeys() {
        Set<String> exampleKeys = exampleSecretKeys();
        Set<String> referenced = new HashSet<>();
        for (Manifests.Pod pod : m.pods()) {
            for (Container c : pod.containers()) {
                for (EnvVar e : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo(Manifests.SECRET);
                        assertThat(e.getValueFrom().getSecretKeyRef().getOptional()).as("%s is required", e.getName())
                                .isNotEqualTo(Boolean.TRUE);
                        referenced.add(e.getValueFrom().getSecretKeyRef().getKey());
                    }
                    if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
                        assertThat(e.getValueFrom().getConfigMapKeyRef().getName()).isEqualTo(Manifests.CONFIG_MAP);
                    }
                }
            }
        }
        assertThat(referenced).isEqualTo(exampleKeys);
        // the example holds no real secret
        JsonNode example = StrictYaml.documents(Repo.path("k8s/secret.example.yaml")).get(0);
        example.path("stringData").properties().forEach(e ->
                assertThat(e.getValue().asText()).as("example value of %s", e.getKey())
                        .matches(".*(EXAMPLE|change-me|0{64}).*"));
        assertThat(Repo.read("k8s/secret.example.yaml")).contains("EXAMPLE ONLY").contains("NOT listed");
    }

    @Test
    void redisRequiresThePasswordThatTheApiUrlCarries() {
        Deployment redis = m.one(Deployment.class, "twisterlab-redis");
        Container c = redis.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<String> argv = Stream.concat(c.getCommand().stream(), c.getArgs().stream()).toList();
        int i = argv.indexOf("--requirepass");
        assertThat(i).as("redis-server --requirepass").isNotNegative();
        String ref = argv.get(i + 1);
        assertThat(ref).matches("\\$\\(\\w+\\)");
        String var = ref.substring(2, ref.length() - 1);
        EnvVar env = c.getEnv().stream().filter(e -> e.getName().equals(var)).findFirst().orElseThrow();
        assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo(Manifests.SECRET);
        assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("REDIS_PASSWORD");
        // the probes authenticate without a password on the command line
        assertThat(c.getEnv()).anySatisfy(e -> assertThat(e.getName()).isEqualTo("REDISCLI_AUTH"));

        // the example URL points at the Redis Service and port, with the same password as REDIS_PASSWORD
        JsonNode example = StrictYaml.documents(Repo.path("k8s/secret.example.yaml")).get(0).path("stringData");
        URI url = URI.create(example.path("TWISTERLAB_REDIS_URL").asText());
        Service svc = m.service(url.getHost());
        assertThat(svc.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getPort()).isEqualTo(url.getPort()));
        assertThat(m.podsMatching(svc.getSpec().getSelector())).singleElement()
                .satisfies(p -> assertThat(p.owner()).isEqualTo("Deployment/twisterlab-redis"));
        assertThat(url.getUserInfo()).isEqualTo(":" + example.path("REDIS_PASSWORD").asText());
    }

    @Test
    void everyContainerIsLockedDownAndSized() {
        for (Manifests.Pod pod : m.pods()) {
            PodSpec spec = pod.template().getSpec();
            assertThat(spec.getSecurityContext().getRunAsNonRoot()).as(pod.owner()).isTrue();
            assertThat(spec.getSecurityContext().getRunAsUser()).as(pod.owner()).isPositive();
            assertThat(spec.getSecurityContext().getSeccompProfile().getType()).as(pod.owner()).isEqualTo("RuntimeDefault");
            assertThat(spec.getAutomountServiceAccountToken()).as(pod.owner()).isFalse();
            for (Container c : pod.containers()) {
                String what = pod.owner() + " container " + c.getName();
                SecurityContext sc = c.getSecurityContext();
                assertThat(sc.getReadOnlyRootFilesystem()).as(what).isTrue();
                assertThat(sc.getAllowPrivilegeEscalation()).as(what).isFalse();
                assertThat(sc.getRunAsNonRoot()).as(what).isTrue();
                assertThat(sc.getCapabilities().getDrop()).as(what).containsExactly("ALL");
                assertThat(sc.getCapabilities().getAdd()).as(what).isNullOrEmpty();
                assertThat(c.getResources().getRequests()).as(what).containsKeys("cpu", "memory");
                assertThat(c.getResources().getLimits()).as(what).containsKey("memory");
                assertThat(c.getLivenessProbe()).as(what).isNotNull();
                assertThat(c.getReadinessProbe()).as(what).isNotNull();
                assertThat(c.getImage()).as(what).doesNotEndWith(":latest");
            }
        }
        // read-only root filesystem: the JVM needs a writable /tmp
        assertThat(m.apiContainer().getVolumeMounts()).anySatisfy(v -> assertThat(v.getMountPath()).isEqualTo("/tmp"));
        assertThat(m.apiDeployment().getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
                .isNotEmpty()
                .allSatisfy(t -> assertThat(Manifests.matches(t.getLabelSelector(),
                        m.apiDeployment().getSpec().getTemplate().getMetadata().getLabels())).isTrue());
    }

    @Test
    void hpaAndPdbTargetTheApi() {
        HorizontalPodAutoscaler hpa = m.one(HorizontalPodAutoscaler.class, "twisterlab-api");
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(Manifests.API_DEPLOYMENT);
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
        assertThat(m.apiContainer().getResources().getRequests()).as("CPU utilization needs a CPU request")
                .containsKey("cpu");

        PodDisruptionBudget pdb = m.one(PodDisruptionBudget.class, "twisterlab-api");
        assertThat(m.podsMatching(pdb.getSpec().getSelector())).singleElement()
                .satisfies(p -> assertThat(p.owner()).isEqualTo("Deployment/" + Manifests.API_DEPLOYMENT));
        assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isLessThan(hpa.getSpec().getMinReplicas());
    }

    @Test
    void ingressRoutesToTheApiServicePort() {
        Ingress ingress = m.one(Ingress.class, "twisterlab-api");
        assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
        List<IngressServiceBackend> backends = ingress.getSpec().getRules().stream()
                .flatMap(r -> r.getHttp().getPaths().stream()).map(p -> p.getBackend().getService()).toList();
        assertThat(backends).isNotEmpty().allSatisfy(b -> {
            Service s = m.service(b.getName());
            assertThat(s.getSpec().getPorts()).anySatisfy(p -> assertThat(
                    b.getPort().getName() != null ? b.getPort().getName().equals(p.getName())
                            : b.getPort().getNumber().equals(p.getPort())).isTrue());
        });
        assertThat(ingress.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/proxy-body-size", "1m");
    }

    @Test
    void trustedProxiesAreValidCidrsAndNotEverything() throws UnknownHostException {
        String value = m.configMap().getData().get("TWISTERLAB_TRUSTED_PROXIES");
        assertThat(value).isNotBlank();
        for (String cidr : value.split(",")) {
            String[] parts = cidr.strip().split("/");
            assertThat(parts).as(cidr).hasSize(2);
            InetAddress address = InetAddress.getByName(parts[0]);   // literal: no DNS lookup
            int bits = Integer.parseInt(parts[1]);
            assertThat(bits).as(cidr).isBetween(8, address.getAddress().length * 8);
            assertThat(address.isSiteLocalAddress() || address.isLinkLocalAddress()).as("%s is private", cidr).isTrue();
        }
    }

    static Set<String> exampleSecretKeys() {
        JsonNode example = StrictYaml.documents(Repo.path("k8s/secret.example.yaml")).get(0);
        Set<String> keys = new HashSet<>();
        example.path("stringData").fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
