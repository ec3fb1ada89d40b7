package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The GitHub Actions workflows build what the README says and deploy to the containers that exist. */
class WorkflowTest {

    private static final Pattern USES = Pattern.compile("^[\\w.-]+/[\\w./-]+@v\\d+(\\.\\d+)*$|^[\\w.-]+/[\\w./-]+@[0-9a-f]{40}$");
    private static final Pattern SET_IMAGE = Pattern.compile(
            "kubectl\\s+-n\\s+(\\S+)\\s+set\\s+image\\s+(\\S+)\\s+(\\S+?)=");

    private final Manifests m = Manifests.base();

    private static JsonNode workflow(String name) {
        return StrictYaml.documents(Repo.path(".github/workflows/" + name)).get(0);
    }

    @Test
    void cdSetsTheImageOfTheRealContainerOfTheRealDeploymentAndWaitsForTheRollout() {
        JsonNode cd = workflow("cd.yml");
        JsonNode env = cd.path("env");
        assertThat(env.path("K8S_NAMESPACE").asText()).isEqualTo(m.apiDeployment().getMetadata().getNamespace() == null
                ? Manifests.NAMESPACE : m.apiDeployment().getMetadata().getNamespace());
        assertThat(env.path("K8S_DEPLOYMENT").asText()).isEqualTo(m.apiDeployment().getMetadata().getName());
        assertThat(env.path("K8S_CONTAINER").asText()).isEqualTo(m.apiContainer().getName());
        assertThat(m.apiDeployment().getSpec().getTemplate().getSpec().getContainers())
                .extracting(c -> c.getName()).containsOnlyOnce(env.path("K8S_CONTAINER").asText());

        List<String> runs = runs(cd.path("jobs").path("deploy"));
        String script = String.join("\n", runs);
        Matcher set = SET_IMAGE.matcher(script);
        assertThat(set.find()).as("kubectl -n <ns> set image <deployment> <container>=<image>").isTrue();
        assertThat(resolve(set.group(1), env)).isEqualTo(Manifests.NAMESPACE);
        assertThat(resolve(set.group(2), env)).isEqualTo("deployment/" + Manifests.API_DEPLOYMENT);
        assertThat(resolve(set.group(3), env)).isEqualTo(Manifests.API_CONTAINER);
        assertThat(script).contains("rollout status \"deployment/$K8S_DEPLOYMENT\"");
    }

    @Test
    void cdPushesToGhcrAndSkipsTheDeployCleanlyWithoutKubeConfig() {
        JsonNode cd = workflow("cd.yml");
        assertThat(cd.path("on").path("push").path("branches").toString()).contains("main");
        assertThat(cd.path("on").path("push").path("tags").toString()).contains("v");
        assertThat(cd.path("env").path("REGISTRY").asText()).isEqualTo("ghcr.io");
        JsonNode push = cd.path("jobs").path("push");
        assertThat(push.path("permissions").path("packages").asText()).isEqualTo("write");
        assertThat(push.toString()).contains("docker/metadata-action", "type=semver", "type=sha", "push\":true");
        JsonNode deploy = cd.path("jobs").path("deploy");
        assertThat(deploy.path("env").path("KUBE_CONFIG").asText()).isEqualTo("${{ secrets.KUBE_CONFIG }}");
        JsonNode steps = deploy.path("steps");
        assertThat(steps.get(0).path("run").asText()).contains("-z \"$KUBE_CONFIG\"", "::notice");
        for (int i = 1; i < steps.size(); i++) {
            assertThat(steps.get(i).path("if").asText()).as("deploy step %s", steps.get(i).path("name"))
                    .contains("steps.check.outputs.enabled == 'true'");
        }
    }

    @Test
    void ciVerifiesOnJdk17And21UploadsReportsAndBuildsTheImageWithoutPushing() {
        JsonNode ci = workflow("ci.yml");
        JsonNode build = ci.path("jobs").path("build");
        assertThat(build.path("strategy").path("matrix").path("java").toString()).contains("\"17\"", "\"21\"");
        assertThat(String.join("\n", runs(build))).contains("./mvnw -B").contains("verify");
        assertThat(build.toString()).contains("actions/upload-artifact", "surefire-reports");
        JsonNode image = ci.path("jobs").path("image");
        assertThat(image.toString()).contains("docker/build-push-action");
        image.path("steps").forEach(s -> {
            if (s.path("uses").asText().startsWith("docker/build-push-action")) {
                assertThat(s.path("with").path("push").asBoolean(true)).as("CI never pushes").isFalse();
            }
        });
        // the README's test command is what CI runs
        assertThat(Repo.read(".ci/run")).contains("./mvnw -B verify");
    }

    @Test
    void everyActionIsPinnedToAVersion() {
        for (String name : List.of("ci.yml", "cd.yml", "ephemeral.yml")) {
            workflow(name).path("jobs").forEach(job -> job.path("steps").forEach(step -> {
                if (step.has("uses")) {
                    assertThat(step.path("uses").asText()).as("%s: %s", name, step.path("name")).matches(USES);
                }
            }));
        }
    }

    @Test
    void ephemeralEnvironmentRunsTheScriptsStepsAndAlwaysDeletesTheCluster() {
        String text = Repo.read(".github/workflows/ephemeral.yml");
        assertThat(text).contains("NOT RUN YET");
        JsonNode job = workflow("ephemeral.yml").path("jobs").path("kind");
        List<String> runs = runs(job);
        String script = Repo.read("scripts/ephemeral-env.sh");
        List<String> subcommands = new ArrayList<>();
        for (String run : runs) {
            Matcher m = Pattern.compile("scripts/ephemeral-env\\.sh (\\w+)").matcher(run);
            while (m.find()) {
                subcommands.add(m.group(1));
                assertThat(script).as("the script has a '%s' step", m.group(1)).contains("\n  " + m.group(1) + ") ");
            }
        }
        assertThat(subcommands).containsExactly("up", "check", "down");
        job.path("steps").forEach(step -> {
            if (step.path("run").asText().contains("ephemeral-env.sh down")) {
                assertThat(step.path("if").asText()).isEqualTo("always()");
            }
        });
        // the script waits for and forwards to the Deployment of k8s/, in its namespace
        assertThat(script).contains("DEPLOYMENT=\"" + m.apiDeployment().getMetadata().getName() + "\"",
                "NAMESPACE=\"" + Manifests.NAMESPACE + "\"", "k8s/generate-secrets.sh", "rollout status",
                "port-forward", "TWISTERLAB_E2E_BASE_URL=", "-Dit.test=DocsBrowserIT", "kind delete cluster");
        assertThat(script).contains("newName: twisterlab").contains(Repo.read("k8s/kustomization.yaml")
                .replaceAll("(?s).*newName: (\\S+).*", "name: $1"));
    }

    private static List<String> runs(JsonNode job) {
        List<String> runs = new ArrayList<>();
        job.path("steps").forEach(s -> {
            if (s.has("run")) {
                runs.add(s.path("run").asText());
            }
        });
        return runs;
    }

    /** Resolves "$VAR", "${VAR}" and "deployment/$VAR" against workflow-level env; strips quotes. */
    private static String resolve(String token, JsonNode env) {
        String s = token.replace("\"", "").replace("'", "");
        Matcher var = Pattern.compile("\\$\\{?(\\w+)}?").matcher(s);
        StringBuilder out = new StringBuilder();
        while (var.find()) {
            assertThat(env.has(var.group(1))).as("workflow env defines %s", var.group(1)).isTrue();
            var.appendReplacement(out, Matcher.quoteReplacement(env.path(var.group(1)).asText()));
        }
        var.appendTail(out);
        return out.toString();
    }
}
