package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 6, scenario 6: after SIGTERM the drained process exits with status 0 (an orderly stop, not the JVM's
 * 128 + 15 for a signal-initiated exit), so that supervisors (systemd, scripts) see success. Fails until Main
 * handles TERM/INT itself.
 */
class ShutdownExitStatusIT extends E2eBase {
    @Test
    void sigtermExitsWithStatusZero() {
        ServerProcess s = server(0).env("TWISTERLAB_API_KEYS", ApiKeys.generate("v", "viewer").entry())
                .start().awaitReady();
        int status = s.terminate(Duration.ofSeconds(60));
        assertThat(s.logText()).contains("stopped");
        assertThat(status).as("exit status after SIGTERM; %s", s.logTail()).isZero();
    }
}
