package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile, read (no Docker engine is needed): multi-stage, non-root with the uid the Deployment
 * expects, port 8000, no secrets, env vars the server reads, the jar the README names. A real build runs
 * in CI (.github/workflows/ci.yml, job "image").
 */
class DockerfileTest {

    record Instruction(String keyword, String args) {
    }

    record Stage(String from, String name, List<Instruction> instructions) {
        List<String> args(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).map(Instruction::args).toList();
        }
    }

    private static final String DOCKERFILE = Repo.read("Dockerfile");
    private static final List<Stage> STAGES = parse(DOCKERFILE);
    private static final String JAR = "twisterlab-server/target/twisterlab-server.jar";

    private final Manifests m = Manifests.base();

    @Test
    void multiStageBuildWithMavenAndASlimJreRuntime() {
        assertThat(STAGES).hasSizeGreaterThanOrEqualTo(2);
        Stage build = STAGES.get(0);
        assertThat(build.name()).isEqualTo("build");
        assertThat(String.join("\n", build.args("RUN"))).contains("package").contains("-pl twisterlab-server -am")
                .contains(JAR);
        Stage runtime = runtime();
        assertThat(runtime.from()).contains("jre");
        Matcher version = Pattern.compile(":(\\d+)").matcher(runtime.from());
        assertThat(version.find()).isTrue();
        assertThat(Integer.parseInt(version.group(1))).as("runtime Java version").isGreaterThanOrEqualTo(17);
        assertThat(runtime.args("COPY")).anySatisfy(c -> assertThat(c).startsWith("--from=build"));
        // the jar name the build produces is the one the README runs
        assertThat(Repo.read("README.md")).contains("java -jar " + JAR);
    }

    @Test
    void runsAsTheNonRootUserTheDeploymentExpects() {
        List<String> users = runtime().args("USER");
        assertThat(users).isNotEmpty();
        String[] user = users.get(users.size() - 1).split(":");
        long uid = Long.parseLong(user[0]);   // numeric, so that runAsNonRoot can verify it
        assertThat(uid).isPositive();
        var podSecurity = m.apiDeployment().getSpec().getTemplate().getSpec().getSecurityContext();
        assertThat(podSecurity.getRunAsUser()).isEqualTo(uid);
        assertThat(podSecurity.getRunAsGroup()).isEqualTo(Long.parseLong(user[1]));
    }

    @Test
    void exposesTheContainerPortAndBindsEveryInterface() {
        assertThat(runtime().args("EXPOSE")).containsExactly(
                String.valueOf(m.apiContainer().getPorts().get(0).getContainerPort()));
        Map<String, String> env = env(runtime());
        assertThat(env).containsEntry("TWISTERLAB_HOST", "0.0.0.0")
                .containsEntry("TWISTERLAB_PORT", m.configMap().getData().get("TWISTERLAB_PORT"));
    }

    @Test
    void theImageHasAPluginsFolderTheServerReads() {
        assertThat(env(runtime())).containsEntry("TWISTERLAB_PLUGINS_DIR", "/app/plugins");
        assertThat(String.join("\n", runtime().args("RUN"))).contains("mkdir -p /app/plugins");
    }

    @Test
    void noSecretsAreBakedIn() {
        Pattern secretish = Pattern.compile("(?i)(secret|passw|token|api_?key|credential|redis://)");
        for (Stage stage : STAGES) {
            for (Instruction i : stage.instructions()) {
                if (List.of("ENV", "ARG", "LABEL").contains(i.keyword())) {
                    assertThat(i.args()).as("%s %s", i.keyword(), i.args()).doesNotContainPattern(secretish);
                }
                if (i.keyword().equals("ADD")) {
                    assertThat(i.args()).as("ADD of a remote URL").doesNotContain("://");
                }
            }
        }
        List<String> ignored = Repo.read(".dockerignore").lines().map(String::strip).toList();
        assertThat(ignored).as(".dockerignore").contains(".git", "**/target", "k8s", "**/*.env");
    }

    @Test
    void theBuildContextKeepsWhatTheReactorNeeds() {
        List<String> ignored = Repo.read(".dockerignore").lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        List<String> modules = new ArrayList<>();
        Matcher mod = Pattern.compile("<module>([^<]+)</module>").matcher(Repo.read("pom.xml"));
        while (mod.find()) {
            modules.add(mod.group(1));
        }
        assertThat(modules).contains("twisterlab-server");
        for (String needed : concat(modules, List.of("pom.xml", ".mvn"))) {
            assertThat(ignored).as(".dockerignore must not exclude %s", needed)
                    .noneMatch(p -> p.equals(needed) || p.equals(needed + "/") || p.equals("/" + needed));
        }
    }

    @Test
    void entrypointIsExecFormJavaWithContainerFlags() throws IOException {
        List<String> entrypoints = runtime().args("ENTRYPOINT");
        assertThat(entrypoints).hasSize(1);
        List<String> argv = StrictYaml.JSON.readValue(entrypoints.get(0), new TypeReference<List<String>>() { });
        assertThat(argv.get(0)).isEqualTo("java");
        assertThat(argv).contains("-jar").anySatisfy(a -> assertThat(a).startsWith("-XX:MaxRAMPercentage="));
        String jar = argv.get(argv.indexOf("-jar") + 1);
        assertThat(runtime().args("COPY")).anySatisfy(c -> assertThat(c).endsWith(" " + jar));
        assertThat(runtime().args("HEALTHCHECK").isEmpty() ? DOCKERFILE : "HEALTHCHECK")
                .as("a HEALTHCHECK, or the reason there is none").contains("HEALTHCHECK");
    }

    static Stage runtime() {
        return STAGES.get(STAGES.size() - 1);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** ENV key=value pairs (the legacy "ENV key value" form is rejected). */
    static Map<String, String> env(Stage stage) {
        Map<String, String> env = new LinkedHashMap<>();
        Pattern pair = Pattern.compile("(\\w+)=(\"[^\"]*\"|\\S*)");
        for (String args : stage.args("ENV")) {
            Matcher m = pair.matcher(args);
            int count = 0;
            while (m.find()) {
                env.put(m.group(1), m.group(2).replace("\"", ""));
                count++;
            }
            assertThat(count).as("ENV %s uses key=value", args).isPositive();
        }
        return env;
    }

    /** Joins continuation lines, drops comments and the parser directive, splits into stages. */
    static List<Stage> parse(String dockerfile) {
        List<String> logical = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || (stripped.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
            } else {
                current.append(stripped);
                logical.add(current.toString().strip());
                current.setLength(0);
            }
        }
        List<Stage> stages = new ArrayList<>();
        List<Instruction> instructions = null;
        for (String l : logical) {
            if (l.isEmpty()) {
                continue;
            }
            int space = l.indexOf(' ');
            String keyword = l.substring(0, space).toUpperCase(Locale.ROOT);
            String args = l.substring(space + 1).strip().replaceAll("\\s+", " ");
            if (keyword.equals("FROM")) {
                String[] parts = args.split(" ");
                instructions = new ArrayList<>();
                String name = parts.length >= 3 && parts[parts.length - 2].equalsIgnoreCase("AS") ? parts[parts.length - 1] : "";
                stages.add(new Stage(parts[0], name, instructions));
            } else {
                assertThat(instructions).as("instruction before FROM: %s", l).isNotNull();
                instructions.add(new Instruction(keyword, args));
            }
        }
        return stages;
    }
}
