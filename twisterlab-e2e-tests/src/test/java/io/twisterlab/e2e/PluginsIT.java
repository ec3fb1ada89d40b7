package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.twisterlab.core.spi.ApiVersion;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom agents as plugins, as a user deploys them: a plugin jar compiled at test time ({@link PluginJar}) dropped
 * into {@code TWISTERLAB_PLUGINS_DIR}, the packaged server started with {@code java -jar}. The plugin's agent is
 * served over REST and MCP with one setting from the YAML file ({@code agents: {greeter: {greeting: ...}}}) and one from the
 * environment ({@code TWISTERLAB_AGENTS_GREETER_PUNCTUATION}), its bad input gets the same 400 problem as a built-in
 * agent's, {@code agents.greeter.enabled=false} leaves it out, and a provider that fails, a plugin built against
 * another API version, a plugin that does not link against this core and a setting the provider does not declare
 * each stop start-up with status 2 and one line naming the jar.
 */
class PluginsIT extends E2eBase {
    private static final String GREET = "/api/v1/agents/greeter/capabilities/greet";

    @TempDir
    Path dir;

    private Path pluginsWithGreeter(String failure) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJar.build(plugins, "greeter.jar", PluginJar.greeterSources(failure), "com.example.GreeterProvider");
        return plugins;
    }

    private ServerProcess.Builder withPlugins(Path plugins, ApiKeys key) throws Exception {
        Path yaml = dir.resolve("twisterlab.yaml");
        Files.writeString(yaml, "agents:\n  greeter:\n    greeting: Bonjour\n");
        return server(0).env("TWISTERLAB_PLUGINS_DIR", plugins.toString())
                .env("TWISTERLAB_CONFIG", yaml.toString())
                .env("TWISTERLAB_API_KEYS", key.entry());
    }

    @Test
    void thePluginIsServedWithSettingsFromYamlAndEnvironment() throws Exception {
        ApiKeys key = ApiKeys.generate("ci", "operator");
        ServerProcess s = withPlugins(pluginsWithGreeter(""), key)
                .env("TWISTERLAB_AGENTS_GREETER_PUNCTUATION", "!").start().awaitReady();

        HttpResponse<String> ok = Http.postJson(s.uri(GREET), Http.bearer(key.key()), "{\"name\":\"Ada\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(Http.json(ok).path("data").path("greeting").asText()).isEqualTo("Bonjour, Ada!");

        HttpResponse<String> bad = Http.postJson(s.uri(GREET), Http.bearer(key.key()),
                "{\"name\":\"" + "x".repeat(51) + "\",\"extra\":1}");
        HttpResponse<String> builtIn = Http.postJson(s.uri("/api/v1/agents/cache/capabilities/cache_get"),
                Http.bearer(key.key()), "{\"extra\":1}");
        assertThat(bad.statusCode()).isEqualTo(400).isEqualTo(builtIn.statusCode());
        assertThat(Http.contentType(bad)).isEqualTo(Http.contentType(builtIn)).startsWith("application/problem+json");
        JsonNode problem = Http.json(bad);
        assertThat(problem.path("code").asText()).isEqualTo("invalid_arguments")
                .isEqualTo(Http.json(builtIn).path("code").asText());
        assertThat(problem.path("violations").toString()).contains("name", "extra");
        assertThat(problem.fieldNames()).toIterable()
                .containsExactlyInAnyOrderElementsOf(() -> Http.json(builtIn).fieldNames());

        Map<String, String> mcpHeaders = new HashMap<>(Http.bearer(key.key()));
        mcpHeaders.put("Accept", "application/json, text/event-stream");
        mcpHeaders.put("MCP-Protocol-Version", "2025-11-25");
        HttpResponse<String> mcp = Http.postJson(s.uri("/mcp"), mcpHeaders, "{\"jsonrpc\":\"2.0\",\"id\":3,"
                + "\"method\":\"tools/call\",\"params\":{\"name\":\"greeter.greet\",\"arguments\":{\"name\":\"Bob\"}}}");
        assertThat(mcp.statusCode()).as(mcp.body()).isEqualTo(200);
        assertThat(Http.json(mcp).path("result").path("structuredContent").path("greeting").asText())
                .isEqualTo("Bonjour, Bob!");

        assertThat(s.logText()).containsPattern("agent greeter 1\\.2\\.3 from com\\.example\\.GreeterProvider \\(.*"
                + "greeter\\.jar\\)").containsPattern("agent cache \\S+ from \\S+ \\(built-in\\)");
        assertThat(s.terminate(Duration.ofSeconds(60))).isZero();
    }

    @Test
    void agentsGreeterEnabledFalseLeavesThePluginOut() throws Exception {
        ApiKeys key = ApiKeys.generate("ci", "operator");
        ServerProcess s = withPlugins(pluginsWithGreeter(""), key)
                .env("TWISTERLAB_AGENTS_GREETER_ENABLED", "false").start().awaitReady();
        HttpResponse<String> gone = Http.postJson(s.uri(GREET), Http.bearer(key.key()), "{}");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(Http.get(s.uri("/api/v1/agents"), Http.bearer(key.key())).body())
                .contains("\"cache\"").doesNotContain("greeter");
    }

    @Test
    void aFailingProviderStopsStartUpWithOneLineNamingTheJar() throws Exception {
        ApiKeys key = ApiKeys.generate("ci", "operator");
        Path plugins = pluginsWithGreeter("if (true) { throw new IllegalStateException(\"no greeting today\"); }");
        ServerProcess s = withPlugins(plugins, key).start();
        assertThat(s.process().waitFor(90, TimeUnit.SECONDS)).as(s.logTail()).isTrue();
        assertThat(s.process().exitValue()).as(s.logTail()).isEqualTo(2);
        assertThat(s.logText().lines().filter(l -> l.startsWith("twisterlab: ")))
                .singleElement().asString()
                .contains(plugins.resolve("greeter.jar").toString(), "com.example.GreeterProvider",
                        "no greeting today");
        assertThat(s.logText()).doesNotContain("\tat ");
    }

    @Test
    void aPluginBuiltAgainstAnotherApiMajorStopsStartUpNamingBothVersions() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        PluginJar.build(plugins, "greeter.jar", PluginJar.greeterSources(""), "com.example.GreeterProvider",
                (ApiVersion.CURRENT.major() + 1) + ".0", Set.of());
        assertThat(oneLineOfFailedStart(withPlugins(plugins, ApiKeys.generate("ci", "operator")).start()))
                .contains(plugins.resolve("greeter.jar").toString(),
                        "built against TwisterLab API " + (ApiVersion.CURRENT.major() + 1) + ".0",
                        "this server provides API " + ApiVersion.CURRENT);
    }

    @Test
    void aProviderThatDoesNotLinkStopsStartUpNamingTheJarAndTheApi() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Map<String, String> sources = new HashMap<>(PluginJar.greeterSources("Helper.hello();"));
        sources.put("com/example/Helper.java",
                "package com.example;\npublic final class Helper {\n    public static String hello() {\n"
                        + "        return \"Hello\";\n    }\n}\n");
        PluginJar.build(plugins, "greeter.jar", sources, "com.example.GreeterProvider",
                ApiVersion.CURRENT.toString(), Set.of("com/example/Helper.class"));
        assertThat(oneLineOfFailedStart(withPlugins(plugins, ApiKeys.generate("ci", "operator")).start()))
                .contains(plugins.resolve("greeter.jar").toString(), "com.example.GreeterProvider",
                        "NoClassDefFoundError", "com/example/Helper",
                        "does not link against this server's TwisterLab API " + ApiVersion.CURRENT,
                        "built against API " + ApiVersion.CURRENT);
    }

    @Test
    void aSettingThePluginDoesNotDeclareStopsStartUpNamingTheClosest() throws Exception {
        Path plugins = pluginsWithGreeter("");
        assertThat(oneLineOfFailedStart(withPlugins(plugins, ApiKeys.generate("ci", "operator"))
                .env("TWISTERLAB_AGENTS_GREETER_PUNCTATION", "!").start()))
                .contains(plugins.resolve("greeter.jar").toString(),
                        "unknown setting 'agents.greeter.punctation': did you mean 'agents.greeter.punctuation'?");
    }

    @Test
    void aBuiltInAgentRefusesAnUndeclaredSettingAndAnOldAndNewNameThatDisagree() throws Exception {
        assertThat(oneLineOfFailedStart(server(0).env("TWISTERLAB_PLUGINS_DIR", dir.resolve("absent").toString())
                .env("TWISTERLAB_AGENTS_DATABASE_POOLSIZE", "3").start()))
                .contains("unknown setting 'agents.database.poolsize': did you mean 'agents.database.pool_size'?");
        assertThat(oneLineOfFailedStart(server(0).env("TWISTERLAB_PLUGINS_DIR", dir.resolve("absent").toString())
                .env("TWISTERLAB_AGENTS_DATABASE_POOL_SIZE", "3").env("TWISTERLAB_DATABASE_POOL_SIZE", "4").start()))
                .contains("'agents.database.pool_size' and its old name 'database.pool_size' are both set");
    }

    /** The one {@code twisterlab: } line of a server that exits with status 2 at start-up, without a stack trace. */
    private static String oneLineOfFailedStart(ServerProcess s) throws InterruptedException {
        assertThat(s.process().waitFor(90, TimeUnit.SECONDS)).as(s.logTail()).isTrue();
        assertThat(s.process().exitValue()).as(s.logTail()).isEqualTo(2);
        assertThat(s.logText()).doesNotContain("\tat ");
        List<String> lines = s.logText().lines().filter(l -> l.startsWith("twisterlab: ")).toList();
        assertThat(lines).as(s.logTail()).hasSize(1);
        return lines.get(0);
    }

    @Test
    void aJarThatIsNoJarStopsStartUpNamingIt() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.writeString(plugins.resolve("broken.jar"), "not a zip");
        ServerProcess s = withPlugins(plugins, ApiKeys.generate("ci", "operator")).start();
        assertThat(s.process().waitFor(90, TimeUnit.SECONDS)).as(s.logTail()).isTrue();
        assertThat(s.process().exitValue()).isEqualTo(2);
        assertThat(s.logText().lines().filter(l -> l.startsWith("twisterlab: "))).singleElement().asString()
                .contains(plugins.resolve("broken.jar").toString(), "cannot read it as a jar");
    }

    @Test
    void noPluginsFolderIsFine() {
        ServerProcess s = server(0).env("TWISTERLAB_PLUGINS_DIR", dir.resolve("absent").toString())
                .env("TWISTERLAB_API_KEYS", ApiKeys.generate("ci", "viewer").entry()).start().awaitReady();
        assertThat(s.logText()).contains("no plugins folder");
        assertThat(Http.get(s.uri("/health"), Map.of()).statusCode()).isEqualTo(200);
    }
}
