package io.twisterlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env, String... args) {
        return Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEverySetting() {
        assertThat(run(Map.of(), "--help")).isZero();
        assertThat(out()).contains("--port", "--config", "keygen", "TWISTERLAB_RATELIMIT_DEFAULT",
                "TWISTERLAB_TRUSTED_PROXIES", "TWISTERLAB_API_KEYS", "TWISTERLAB_LOG_FORMAT");
        // the one rule for agent settings, and the keys the built-in providers declare
        assertThat(out()).contains("TWISTERLAB_AGENTS_<NAME>_<KEY>", "agents.<name>.<key>")
                .containsPattern("TWISTERLAB_AGENTS_DATABASE_URL +agents\\.database\\.url +JDBC URL")
                .containsPattern("TWISTERLAB_AGENTS_CACHE_REDIS_TIMEOUT_MS +agents\\.cache\\.redis_timeout_ms")
                .containsPattern("TWISTERLAB_AGENTS_MAESTRO_LLM_URL +agents\\.maestro\\.llm_url")
                .containsPattern("TWISTERLAB_AGENTS_MONITORING_CHECK_TIMEOUT_MS +agents\\.monitoring\\.check_timeout_ms")
                .containsPattern("TWISTERLAB_LLM_URL +llm\\.url +old name of agents\\.maestro\\.llm_url");
    }

    @Test
    void version() {
        assertThat(run(Map.of(), "--version")).isZero();
        assertThat(out().strip()).isEqualTo("twisterlab-server " + TwisterLabServer.version() + " (git "
                + TwisterLabServer.revision() + ")");
        // the build wrote the commit it was built from (this checkout has .git)
        assertThat(TwisterLabServer.revision()).matches("[0-9a-f]{40}");
    }

    @Test
    void invalidConfigurationExitsWith2AndOneClearMessage() {
        assertThat(run(Map.of("TWISTERLAB_RATELIMIT_DEFAULT", "lots"))).isEqualTo(2);
        assertThat(err()).startsWith("twisterlab: invalid setting ratelimit.default (TWISTERLAB_RATELIMIT_DEFAULT)")
                .doesNotContain("Exception", "\tat ");
        assertThat(err().lines().count()).isEqualTo(1);
    }

    @Test
    void inJsonModeTheCommandsOwnErrorLinesAreJsonToo() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        assertThat(run(Map.of("TWISTERLAB_LOG_FORMAT", "json", "TWISTERLAB_RATELIMIT_DEFAULT", "lots"))).isEqualTo(2);
        assertThat(run(Map.of(), "--log-format=json", "--port", "x")).isEqualTo(2);
        assertThat(run(Map.of("TWISTERLAB_LOG_FORMAT", "JSON"), "--bogus")).isEqualTo(2);
        assertThat(run(Map.of("TWISTERLAB_LOG_FORMAT", "json",
                "TWISTERLAB_REDIS_URL", "redis://user:hunter2@redis:99999"), "--port", "0")).isEqualTo(2);
        java.util.List<String> lines = err().lines().toList();
        assertThat(lines).hasSize(4);
        for (String line : lines) {
            com.fasterxml.jackson.databind.JsonNode event = mapper.readTree(line);
            assertThat(event.path("level").asText()).isEqualTo("ERROR");
            assertThat(event.path("@timestamp").asText()).isNotEmpty();
            assertThat(event.path("message").asText()).startsWith("twisterlab: ");
        }
        assertThat(lines.get(0)).contains("invalid setting ratelimit.default");
        assertThat(lines.get(1)).contains("server.port");
        assertThat(lines.get(2)).contains("--bogus");
        assertThat(err()).doesNotContain("hunter2");
    }

    @Test
    void invalidFlagsExitWith2() {
        assertThat(run(Map.of(), "--port", "x")).isEqualTo(2);
        assertThat(err()).contains("server.port");
        assertThat(run(Map.of(), "--bogus")).isEqualTo(2);
        assertThat(run(Map.of(), "--port")).isEqualTo(2);
    }

    @Test
    void startsOnFlagsAndPrintsGeneratedKeyOnce() {
        assertThat(run(Map.of(), "--port=0", "--host", "127.0.0.1")).isZero();
        Matcher m = Pattern.compile("tlk_[A-Za-z0-9_-]{43}").matcher(out());
        assertThat(m.find()).isTrue();
        String key = m.group();
        assertThat(out().split(Pattern.quote(key), -1)).hasSize(3); // the key line and the curl example
    }

    @Test
    void keygenPrintsKeyAndConfigurationLineWithItsHash() {
        assertThat(run(Map.of(), "keygen", "--name", "ci", "--role", "operator")).isZero();
        Matcher key = Pattern.compile("(tlk_[A-Za-z0-9_-]{43})").matcher(out());
        assertThat(key.find()).isTrue();
        Matcher line = Pattern.compile("TWISTERLAB_API_KEYS=ci:operator:([0-9a-f]{64})").matcher(out());
        assertThat(line.find()).isTrue();
        assertThat(line.group().split("=")[1]).isEqualTo(ServerConfig.apiKeyEntry("ci", ServerConfig.Role.OPERATOR,
                key.group(1)));
        // and the line is accepted by the configuration
        assertThat(ServerConfig.load(null, Map.of("TWISTERLAB_API_KEYS", line.group().split("=")[1]), Map.of())
                .auth().apiKeys()).hasSize(1);
        assertThat(run(Map.of(), "keygen", "--role", "root")).isEqualTo(2);
    }

    @Test
    void agentProviderConfigurationErrorsExitWith2() {
        assertThat(run(Map.of("TWISTERLAB_LLM_URL", "not a url"), "--port", "0")).isEqualTo(2);
        assertThat(err()).startsWith("twisterlab: invalid configuration: setting 'agents.maestro.llm_url' (given as "
                + "llm.url) is not a valid URL");
    }

    @Test
    void startsWhileTheRedisRateLimitStoreIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(run(Map.of("TWISTERLAB_RATELIMIT_STORE", "redis", "TWISTERLAB_REDIS_URL",
                "redis://127.0.0.1:" + port), "--port", "0")).isZero();
        assertThat(err()).isEmpty();
    }

    @Test
    void anInvalidRedisUrlExitsWith2NamingTheSettingWithoutItsPassword() {
        assertThat(run(Map.of("TWISTERLAB_RATELIMIT_STORE", "redis", "TWISTERLAB_REDIS_URL",
                "redis://user:hunter2@redis:99999"), "--port", "0")).isEqualTo(2);
        assertThat(err()).contains("invalid setting redis.url (TWISTERLAB_REDIS_URL): port of host redis is not a "
                + "number from 1 to 65535").doesNotContain("hunter2");
        assertThat(err().lines().count()).isEqualTo(1);
        err.reset();
        assertThat(run(Map.of("TWISTERLAB_REDIS_URL", "redis-sentinel://hunter2@s1:26379,s2:26379"), "--port", "0"))
                .isEqualTo(2);
        assertThat(err()).contains("invalid setting redis.url (TWISTERLAB_REDIS_URL): redis-sentinel:// needs the "
                + "master's name after '#'").doesNotContain("hunter2");
        assertThat(err().lines().count()).isEqualTo(1);
    }

    @Test
    void aPortAlreadyInUseExitsWith1AndSaysSo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThat(run(Map.of(), "--port", Integer.toString(port), "--host", "127.0.0.1")).isEqualTo(1);
            assertThat(err()).startsWith("twisterlab: cannot start: cannot listen on 127.0.0.1:" + port)
                    .doesNotContain("\tat ");
            assertThat(out()).as("no key banner for a server that never listened").doesNotContain("tlk_");
        }
    }

    @Test
    void startUpErrorsNeverPrintCredentials() {
        assertThat(Main.redact("cannot connect to jdbc:postgresql://db/app?user=a&password=hunter2&ssl=true"))
                .doesNotContain("hunter2").contains("password=***&ssl=true");
        assertThat(Main.redact("redis://user:hunter2@redis:6379")).isEqualTo("redis://***@redis:6379");
    }
}
