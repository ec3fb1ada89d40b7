package io.twisterlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's configuration table documents every setting the server reads, with the default it uses. */
class ReadmeTest {
    @Test
    void everySettingIsDocumented() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (Settings.Setting s : Settings.all()) {
            assertThat(readme).as(s.key()).contains("| `" + s.env() + "` | `" + s.key() + "` |");
        }
        assertThat(readme).contains("TWISTERLAB_AGENTS_<NAME>_ENABLED", "TWISTERLAB_CONFIG",
                "twisterlab_http_request_duration_seconds", "twisterlab_agent_executions_total",
                "twisterlab_agent_execution_duration_seconds", "twisterlab_ratelimit_decisions_total",
                "twisterlab_ratelimit_store_errors_total", "twisterlab_ratelimit_degraded", "twisterlab_build_info");
    }

    /**
     * The default column of the README's table is the value the server uses: each row's default is the Settings
     * default (which ConfigBinder falls back to, and ServerConfigTest pins as typed values), "—" where there is none.
     */
    @Test
    void everyDocumentedDefaultIsTheDefaultTheServerUses() throws Exception {
        Map<String, String> documented = new HashMap<>();
        Pattern row = Pattern.compile("^\\| `([A-Z0-9_]+)` \\| `([a-z0-9_.]+)` \\| ([^|]+) \\|");
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                assertThat(documented.put(m.group(2), m.group(3).strip())).as("%s documented twice", m.group(2))
                        .isNull();
            }
        }
        for (Settings.Setting s : Settings.all()) {
            if (s.env() == null) {
                continue;
            }
            String expected = s.defaultValue().isEmpty() ? "—" : "`" + s.defaultValue() + "`";
            assertThat(documented.get(s.key())).as("README default of %s (%s)", s.key(), s.env())
                    .isEqualTo(expected);
        }
        // and the typed values behind the strings
        ServerConfig defaults = ServerConfig.defaults();
        assertThat(defaults.shutdownTimeout().toMillis() + "").isEqualTo(unquote(documented,
                "server.shutdown_timeout_ms"));
        assertThat(defaults.executionTimeout().toMillis() + "").isEqualTo(unquote(documented,
                "server.execution_timeout_ms"));
        assertThat(defaults.rateLimit().redisTimeout().toMillis() + "").isEqualTo(unquote(documented,
                "ratelimit.redis_timeout_ms"));
        assertThat(defaults.rateLimit().memoryMaxKeys() + "").isEqualTo(unquote(documented,
                "ratelimit.memory_max_keys"));
        assertThat(defaults.rateLimit().fallbackShare())
                .isEqualTo(Double.parseDouble(unquote(documented, "ratelimit.fallback_share")));
        assertThat(defaults.rateLimit().failurePolicy().toString().toLowerCase(Locale.ROOT)
                .replace('_', '-')).isEqualTo(unquote(documented, "ratelimit.failure_policy"));
        assertThat(defaults.port() + "").isEqualTo(unquote(documented, "server.port"));
        assertThat(defaults.host()).isEqualTo(unquote(documented, "server.host"));
        assertThat(defaults.bodyLimitBytes() + "").isEqualTo(unquote(documented, "server.body_limit"));
        assertThat(defaults.auth().jwtTtl().toSeconds() + "").isEqualTo(unquote(documented,
                "auth.jwt_ttl_seconds"));
    }

    private static String unquote(Map<String, String> documented, String key) {
        String v = documented.get(key);
        assertThat(v).as(key).startsWith("`").endsWith("`");
        return v.substring(1, v.length() - 1);
    }
}
