package io.twisterlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsReportTest {
    @TempDir
    Path dir;

    @Test
    void aMistypedVariableIsReportedWithTheClosestKnownName() {
        assertThat(SettingsReport.unknownVariables(Map.of("TWISTERLAB_PROT", "9000", "TWISTERLAB_PORT", "1",
                "TWISTERLAB_CONFIG", "x.yaml", "TWISTERLAB_AGENTS_MAESTRO_ENABLED", "false",
                "TWISTERLAB_AGENTS_CUSTOM_SETTING", "passed to agents", "TWISTERLAB_LOG_LEVEL", "DEBUG",
                "PATH", "/bin", "TWISTERLAB_RATELIMIT_DEFUALT", "1/1s"))).containsExactly(
                "environment variable TWISTERLAB_PROT is not a TwisterLab setting and is ignored: did you mean "
                        + "TWISTERLAB_PORT? (see --help)",
                "environment variable TWISTERLAB_RATELIMIT_DEFUALT is not a TwisterLab setting and is ignored: did "
                        + "you mean TWISTERLAB_RATELIMIT_DEFAULT? (see --help)");
        assertThat(SettingsReport.unknownVariables(Map.of("TWISTERLAB_PORT", "1"))).isEmpty();
    }

    @Test
    void settingsInForceNameTheirSourceAndHideSecrets() throws Exception {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, """
                server:
                  host: 0.0.0.0
                  port: 7000
                ratelimit:
                  rules:
                    - id: x
                      path: /api
                      limits: 1/1s
                """);
        List<String> lines = SettingsReport.describe(Map.of("TWISTERLAB_CONFIG", yaml.toString(),
                "TWISTERLAB_PORT", "8001", "TWISTERLAB_JWT_SECRET", "s3cr3t-jwt-0123456789012345678901",
                "TWISTERLAB_DATABASE_PASSWORD", "hunter2", "TWISTERLAB_REDIS_URL", "redis://:pw1@redis:6379",
                "TWISTERLAB_USERS", "olga:viewer:$2a$04$abc", "TWISTERLAB_AGENTS_MAESTRO_ENABLED", "false"),
                Map.of("server.port", "0"));
        assertThat(lines).containsExactlyInAnyOrder("setting server.port=0 (flag)",
                "setting server.host=0.0.0.0 (file)", "setting ratelimit.rules=1 entries (file)",
                "setting auth.jwt_secret=*** (env)", "setting database.password=*** (env)",
                "setting redis.url=redis://***@redis:6379 (env)", "setting auth.users=*** (env)",
                "setting agents.maestro.enabled=false (env)", "settings in force (configuration file " + yaml
                        + "): 8 set as above, every other one its default (java -jar twisterlab-server.jar --help "
                        + "lists the settings and their defaults)");
        assertThat(String.join("\n", lines)).doesNotContain("hunter2", "s3cr3t", "pw1", "$2a$", "8001");
        assertThat(lines.get(lines.size() - 1)).startsWith("settings in force");
        assertThat(SettingsReport.describe(Map.of(), Map.of())).singleElement().asString()
                .startsWith("settings in force: all defaults (");
    }
}
