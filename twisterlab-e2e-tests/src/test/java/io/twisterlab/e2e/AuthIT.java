package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Scenario 7: keys made by {@code java -jar twisterlab-server.jar keygen} configured into an instance the way the
 * README says; viewer, operator and admin each get exactly their rights; the first-run generated admin key works.
 */
class AuthIT extends E2eBase {
    private static final Pattern KEY = Pattern.compile("^\\s+(tlk_[A-Za-z0-9_-]{43})\\s*$", Pattern.MULTILINE);
    private static final Pattern ENTRY = Pattern.compile("TWISTERLAB_API_KEYS=(\\S+)");

    record Generated(String key, String entry) {
    }

    Generated keygen(String name, String role) throws IOException, InterruptedException {
        Path out = ServerProcess.logDir().resolve(testName + "-keygen-" + name + ".log");
        Process p = new ProcessBuilder(ServerProcess.javaBinary(), "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-jar",
                ServerProcess.jar().toString(), "keygen", "--name", name, "--role", role)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("keygen finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        String text = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        Matcher key = KEY.matcher(text);
        Matcher entry = ENTRY.matcher(text);
        assertThat(key.find()).as("key in keygen output:\n" + text).isTrue();
        assertThat(entry.find()).as("configuration line in keygen output:\n" + text).isTrue();
        assertThat(entry.group(1)).startsWith(name + ":" + role + ":")
                .endsWith(ApiKeys.sha256Hex(key.group(1))).doesNotContain(key.group(1));
        // the key is shown to the operator once; it must not leak into a file meant for configuration
        Files.writeString(out, text.replace(key.group(1), "tlk_<redacted-by-test>"), StandardCharsets.UTF_8);
        return new Generated(key.group(1), entry.group(1));
    }

    HttpResponse<String> run(ServerProcess s, String credential, String agent, String capability, String args) {
        return Http.postJson(s.uri("/api/v1/agents/" + agent + "/capabilities/" + capability),
                Http.bearer(credential), args);
    }

    @Test
    void keygenKeysGiveViewerOperatorAndAdminExactlyTheirRights() throws Exception {
        Generated viewer = keygen("e2e-viewer", "viewer");
        Generated operator = keygen("e2e-operator", "operator");
        Generated admin = keygen("e2e-admin", "admin");
        Path config = ServerProcess.logDir().resolve(testName + "-config.yaml");
        Files.writeString(config, """
                access:
                  overrides:
                    - agent: monitoring
                      capability: list_processes
                      roles: [admin]
                """, StandardCharsets.UTF_8);
        String hash = BCrypt.withDefaults().hashToString(4, "op-password".toCharArray());
        ServerProcess s = server(0)
                .env("TWISTERLAB_API_KEYS", String.join(",", viewer.entry(), operator.entry(), admin.entry()))
                .env("TWISTERLAB_USERS", "olga:operator:" + hash)
                .env("TWISTERLAB_CONFIG", config.toString())
                .env("TWISTERLAB_RATELIMIT_DEFAULT", "10000/1m")
                .start().awaitReady();
        assertThat(s.logText()).as("no key was generated: keys are configured").doesNotContain("was generated");

        String query = "{}";
        String action = "{\"key\":\"e2e\",\"value\":{\"n\":1}}";
        String command = "{\"command\":\"@cache.cache_delete(key=\\\"e2e\\\")\"}";
        // viewer: reads, QUERY capabilities; no ACTION, directly or through Maestro; not the admin-only query
        assertThat(Http.get(s.uri("/api/v1/agents"), Http.bearer(viewer.key())).statusCode()).isEqualTo(200);
        assertThat(Http.get(s.uri("/api/v1/system/status"), Map.of("X-API-Key", viewer.key())).statusCode())
                .isEqualTo(200);
        assertSuccess(run(s, viewer.key(), "monitoring", "get_jvm_metrics", query));
        assertForbidden(run(s, viewer.key(), "cache", "cache_set", action));
        assertForbidden(run(s, viewer.key(), "maestro", "execute_command",
                "{\"command\":\"@cache.cache_set(key=\\\"e2e\\\", value=1)\"}"));
        HttpResponse<String> unset = run(s, operator.key(), "cache", "cache_get", "{\"key\":\"e2e\"}");
        assertSuccess(unset);
        assertThat(Http.json(unset).path("data").path("found").asBoolean()).as("the refused ACTIONs wrote nothing")
                .isFalse();
        assertForbidden(run(s, viewer.key(), "maestro", "execute_command", command));
        assertForbidden(run(s, viewer.key(), "monitoring", "list_processes", "{\"sort_by\":\"memory\"}"));
        // operator: ACTION capabilities too, but not what access.overrides keeps for admins
        assertSuccess(run(s, operator.key(), "cache", "cache_set", action));
        assertSuccess(run(s, operator.key(), "cache", "cache_get", "{\"key\":\"e2e\"}"));
        assertForbidden(run(s, operator.key(), "monitoring", "list_processes", "{\"sort_by\":\"memory\"}"));
        // admin: everything
        assertSuccess(run(s, admin.key(), "monitoring", "list_processes", "{\"sort_by\":\"memory\",\"limit\":3}"));
        assertSuccess(run(s, admin.key(), "maestro", "execute_command", command));

        // a password login gets a token with the configured role
        HttpResponse<String> login = Http.postJson(s.uri("/api/v1/auth/token"), Map.of(),
                "{\"username\":\"olga\",\"password\":\"op-password\"}");
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String token = Http.json(login).path("access_token").asText();
        assertSuccess(run(s, token, "cache", "cache_set", action));
        assertForbidden(run(s, token, "monitoring", "list_processes", "{\"sort_by\":\"memory\"}"));
        HttpResponse<String> wrong = Http.postJson(s.uri("/api/v1/auth/token"), Map.of(),
                "{\"username\":\"olga\",\"password\":\"nope\"}");
        HostileInputIT.problem(wrong, 401, "unauthorized");

        // audit lines name the principal and the capability, never a key
        String log = s.logText();
        assertThat(log).contains("e2e-operator").contains("cache_set");
        for (Generated g : List.of(viewer, operator, admin)) {
            assertThat(log).doesNotContain(g.key());
        }
        assertThat(log).doesNotContain(token).doesNotContain("op-password");
    }

    @Test
    void firstRunWithoutKeysPrintsAnAdminKeyThatWorks() {
        ServerProcess s = server(0).start().awaitReady();
        Matcher m = Pattern.compile("^\\s+(tlk_[A-Za-z0-9_-]{43})\\s*$", Pattern.MULTILINE).matcher(s.logText());
        assertThat(m.find()).as("generated key in the banner; %s", s.logTail()).isTrue();
        String key = m.group(1);
        assertThat(Http.get(s.uri("/api/v1/agents"), Http.bearer(key)).statusCode()).isEqualTo(200);
        assertSuccess(run(s, key, "monitoring", "list_processes", "{\"sort_by\":\"memory\",\"limit\":1}"));
        HostileInputIT.problem(Http.get(s.uri("/api/v1/agents"), Map.of()), 401, "unauthorized");
        List<String> keyLines = new ArrayList<>();
        s.logText().lines().filter(l -> l.contains(key)).forEach(keyLines::add);
        assertThat(keyLines).as("the key is printed in the banner only (the key line and the curl hint)")
                .hasSizeLessThanOrEqualTo(2);
    }

    static void assertSuccess(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Http.json(r);
        assertThat(body.path("success").asBoolean()).as(r.body()).isTrue();
    }

    static void assertForbidden(HttpResponse<String> r) {
        HostileInputIT.problem(r, 403, null);
    }
}
