package io.twisterlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table documents every setting the server reads. */
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
}
