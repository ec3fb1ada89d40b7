package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The kustomizations list every file, reference only existing files, and install the right things. */
class KustomizationTest {

    /** Files under k8s/ that no kustomization references, on purpose (each one says so in its header). */
    static final Set<String> NOT_APPLIED = Set.of(
            "k8s/secret.example.yaml",                                   // documentation of the Secret's keys
            "k8s/variants/ingress-nginx-external-traffic-local.yaml",    // patch for the controller's Service
            "k8s/monitoring/prometheus-scrape-config.yaml",              // prometheus.yml fragment
            "k8s/README.md", "k8s/.gitignore", "k8s/generate-secrets.sh");

    static final List<Path> KUSTOMIZATIONS = List.of(Repo.k8s(), Repo.path("k8s/monitoring"),
            Repo.path(ManagedRedisClusterVariantTest.VARIANT));

    @Test
    void everyFileUnderK8sIsReferencedByAKustomizationOrDeliberatelyNot() {
        Set<String> referenced = new HashSet<>();
        for (Path dir : KUSTOMIZATIONS) {
            Kustomization k = Kustomization.load(dir);
            referenced.add(Repo.rel(dir.resolve("kustomization.yaml")));
            k.resourceList().forEach(r -> referenced.add(Repo.rel(dir.resolve(r))));
            k.configMapGenerators().forEach(g -> g.fileNames().forEach(f -> referenced.add(Repo.rel(dir.resolve(f)))));
            k.secretGenerators().forEach(g -> g.fileNames().forEach(f -> referenced.add(Repo.rel(dir.resolve(f)))));
        }
        List<String> files;
        try (Stream<Path> walk = Files.walk(Repo.k8s())) {
            files = walk.filter(Files::isRegularFile).map(Repo::rel)
                    .filter(f -> !f.equals("k8s/secrets.env"))   // the gitignored real secrets, if present locally
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(files).allSatisfy(f -> assertThat(referenced.contains(f) || NOT_APPLIED.contains(f))
                .as("%s is neither listed in a kustomization.yaml nor a deliberate exception", f).isTrue());
        assertThat(NOT_APPLIED).allSatisfy(f -> assertThat(referenced).as("listed but must not be").doesNotContain(f));
    }

    @Test
    void everyReferencedFileExists() {
        for (Path dir : KUSTOMIZATIONS) {
            Kustomization k = Kustomization.load(dir);
            assertThat(k.apiVersion()).isEqualTo("kustomize.config.k8s.io/v1beta1");
            assertThat(k.kind()).isEqualTo("Kustomization");
            assertThat(k.namespace()).as("namespace of %s", Repo.rel(dir)).isEqualTo(Manifests.NAMESPACE);
            assertThat(k.resourceList()).allSatisfy(r -> assertThat(dir.resolve(r)).exists());
            k.configMapGenerators().forEach(g -> assertThat(g.fileNames()).allSatisfy(f -> assertThat(dir.resolve(f)).exists()));
        }
    }

    @Test
    void baseIsTheWholeInstallWithoutCrdsAndWithItsNamespace() {
        List<String> kinds = Manifests.base().all().stream().map(HasMetadata::getKind).toList();
        assertThat(kinds).contains("Namespace", "ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler",
                "PodDisruptionBudget", "Ingress", "NetworkPolicy");
        // kubectl apply -k k8s/ must work on a cluster without the Prometheus Operator
        assertThat(Manifests.base().all()).allSatisfy(m -> assertThat(m.getApiVersion())
                .as("%s %s", m.getKind(), m.getMetadata().getName()).doesNotContain("monitoring.coreos.com"));
        assertThat(Manifests.base().one(io.fabric8.kubernetes.api.model.Namespace.class, Manifests.NAMESPACE)).isNotNull();
        // the example Secret is never installed; the real one comes from the secretGenerator
        assertThat(Manifests.base().all(io.fabric8.kubernetes.api.model.Secret.class)).isEmpty();
    }

    @Test
    void theSecretComesFromAGitignoredEnvFile() {
        Kustomization k = Kustomization.load(Repo.k8s());
        assertThat(k.secretGenerators()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo(Manifests.SECRET);
            assertThat(g.envFiles()).containsExactly("secrets.env");
        });
        assertThat(Repo.read("k8s/.gitignore").lines().map(String::strip)).contains("secrets.env");
    }

    @Test
    void workloadImagesAreSetByTheKustomization() {
        Kustomization k = Kustomization.load(Repo.k8s());
        String image = Manifests.base().apiContainer().getImage();
        assertThat(k.imageList()).as("kustomization images").anySatisfy(i -> {
            assertThat(i.name()).isEqualTo(image);
            assertThat(i.newName()).startsWith("ghcr.io/");
            assertThat(i.newTag()).isNotBlank();
        });
    }
}
