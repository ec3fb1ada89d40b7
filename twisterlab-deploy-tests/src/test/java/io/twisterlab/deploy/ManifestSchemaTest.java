package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every Kubernetes manifest under k8s/ passes strict schema parsing (fabric8 model, unknown fields failing). */
class ManifestSchemaTest {

    /** YAML files under k8s/ that are not Kubernetes manifests. */
    static final List<String> NOT_MANIFESTS = List.of(
            "k8s/kustomization.yaml", "k8s/monitoring/kustomization.yaml",
            "k8s/variants/managed-redis-cluster/kustomization.yaml",
            "k8s/monitoring/prometheus-scrape-config.yaml");

    static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.walk(Repo.k8s())) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyManifestUnderK8sParsesStrictly() {
        List<String> parsed = new ArrayList<>();
        for (Path file : yamlFiles()) {
            if (NOT_MANIFESTS.contains(Repo.rel(file))) {
                continue;
            }
            List<HasMetadata> models = StrictYaml.models(file);   // throws with file, kind, name and field
            assertThat(models).as(Repo.rel(file)).isNotEmpty();
            for (HasMetadata m : models) {
                assertThat(m.getMetadata().getName()).as(Repo.rel(file) + " metadata.name").isNotBlank();
                parsed.add(m.getKind() + "/" + m.getMetadata().getName());
            }
        }
        assertThat(parsed).contains("Deployment/twisterlab-api", "Deployment/twisterlab-redis",
                "NetworkPolicy/default-deny", "ServiceMonitor/twisterlab-api", "PrometheusRule/twisterlab-api",
                "Secret/twisterlab-secrets");
    }

    @Test
    void unknownFieldsFailAnywhereInTheTree() {
        String deployment = Repo.read("k8s/api-deployment.yaml");
        // a typo at the top of the spec ...
        assertThatThrownBy(() -> parse(deployment.replace("  replicas: 2", "  replica: 2")))
                .hasMessageContaining("replica");
        // ... and deep inside a container
        assertThatThrownBy(() -> parse(deployment.replace("readinessProbe:", "readinesProbe:")))
                .hasMessageContaining("readinesProbe");
        // a wrong type
        assertThatThrownBy(() -> parse(deployment.replace("  replicas: 2", "  replicas: two")))
                .isInstanceOf(IllegalArgumentException.class);
        // and the original parses
        assertThat(parse(deployment)).isInstanceOf(Deployment.class);
    }

    @Test
    void unknownKindsAndDuplicateKeysFail() {
        assertThatThrownBy(() -> parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n"))
                .hasMessageContaining("v1/Pod");
        assertThatThrownBy(() -> StrictYaml.documents("a: 1\na: 2\n", "inline"))
                .hasMessageContaining("Duplicate");
    }

    private static HasMetadata parse(String yaml) {
        return StrictYaml.toModel(StrictYaml.documents(yaml, "inline").get(0), "inline");
    }
}
