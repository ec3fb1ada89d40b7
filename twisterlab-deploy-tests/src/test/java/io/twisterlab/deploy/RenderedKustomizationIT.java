package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What "k8s/generate-secrets.sh && kubectl apply -k k8s/" really applies: renders the base with kubectl's
 * built-in kustomize (offline, no cluster) in a copy of k8s/ with freshly generated secrets, and checks the
 * result. Needs kubectl and sh, so it runs only with {@code -Pkubectl} (GitHub's ubuntu runners have both), and
 * fails there if either is missing.
 */
class RenderedKustomizationIT {

    @TempDir
    Path tmp;

    @Test
    void generatedSecretsAndRenderedBaseAreConsistent() throws Exception {
        Path k8s = copyK8s();
        Files.deleteIfExists(k8s.resolve("secrets.env"));
        Result gen = run(k8s, "sh", "generate-secrets.sh");
        assertThat(gen.exit()).as(gen.output()).isZero();
        assertThat(gen.output()).contains("Admin API key");
        // refuses to overwrite
        assertThat(run(k8s, "sh", "generate-secrets.sh").exit()).isNotZero();

        List<HasMetadata> objects = render(k8s);
        assertThat(objects).allSatisfy(o -> {
            if (!(o instanceof Namespace)) {
                assertThat(o.getMetadata().getNamespace()).as("%s/%s", o.getKind(), o.getMetadata().getName())
                        .isEqualTo(Manifests.NAMESPACE);
            }
        });
        Secret secret = objects.stream().filter(Secret.class::isInstance).map(Secret.class::cast)
                .findFirst().orElseThrow();
        assertThat(secret.getMetadata().getName()).startsWith(Manifests.SECRET + "-");
        assertThat(secret.getData().keySet()).isEqualTo(WorkloadTest.exampleSecretKeys());
        Map<String, String> data = decode(secret.getData());
        URI url = URI.create(data.get("TWISTERLAB_REDIS_URL"));
        assertThat(url.getUserInfo()).isEqualTo(":" + data.get("REDIS_PASSWORD"));
        assertThat(url.getHost()).isEqualTo("twisterlab-redis");
        assertThat(data.get("TWISTERLAB_API_KEYS")).matches("admin:admin:[0-9a-f]{64}");

        for (Deployment d : objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).toList()) {
            for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
                for (EnvVar e : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
                    if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                        assertThat(e.getValueFrom().getSecretKeyRef().getName()).as("rewritten by kustomize")
                                .isEqualTo(secret.getMetadata().getName());
                    }
                }
                if (c.getName().equals(Manifests.API_CONTAINER)) {
                    assertThat(c.getImage()).startsWith("ghcr.io/");
                }
            }
        }
        assertThat(render(k8s.resolve("monitoring"))).extracting(HasMetadata::getKind)
                .containsExactlyInAnyOrder("ConfigMap", "ServiceMonitor", "PrometheusRule");
    }

    @Test
    void withoutSecretsEnvTheInstallStopsBeforeApplyingAnything() throws Exception {
        Path k8s = copyK8s();
        Files.deleteIfExists(k8s.resolve("secrets.env"));
        Result r = run(k8s, "kubectl", "kustomize", ".");
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("secrets.env");
    }

    private List<HasMetadata> render(Path dir) throws Exception {
        Result r = run(dir, "kubectl", "kustomize", ".");
        assertThat(r.exit()).as(r.output()).isZero();
        List<HasMetadata> objects = new ArrayList<>();
        StrictYaml.documents(r.stdout(), "kubectl kustomize " + dir.getFileName())
                .forEach(d -> objects.add(StrictYaml.toModel(d, "rendered")));
        return objects;
    }

    private Path copyK8s() throws IOException {
        Path target = tmp.resolve("k8s");
        try (Stream<Path> files = Files.walk(Repo.k8s())) {
            for (Path p : files.toList()) {
                Path dest = target.resolve(Repo.k8s().relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return target;
    }

    private static Map<String, String> decode(Map<String, String> data) {
        Map<String, String> out = new java.util.HashMap<>();
        data.forEach((k, v) -> out.put(k, new String(Base64.getMimeDecoder().decode(v), StandardCharsets.UTF_8).strip()));
        return out;
    }

    record Result(int exit, String stdout, String output) {
    }

    private static Result run(Path dir, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            String stdout = Files.readString(out);
            return new Result(p.exitValue(), stdout, stdout + Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

}
