package io.twisterlab.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code hash-password} prints logs a user in through {@code POST /api/v1/auth/token}. */
class HashPasswordIT {
    @Test
    void theEntryLogsTheUserIn() {
        String password = "hunter2 but longer";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"hash-password", "--user=olga", "--role=operator", "--cost=4"}, Map.of(),
                new ByteArrayInputStream((password + "\n").getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err, false);
        assertThat(status).isZero();
        String entry = out.toString(StandardCharsets.UTF_8).strip();
        try (Fixture f = new Fixture(Map.of("auth.users", entry))) {
            HttpResponse<String> ok = f.post("/api/v1/auth/token", "application/json",
                    "{\"username\":\"olga\",\"password\":\"" + password + "\"}");
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            assertThat(Fixture.json(ok).path("access_token").asText()).isNotEmpty();
            HttpResponse<String> wrong = f.post("/api/v1/auth/token", "application/json",
                    "{\"username\":\"olga\",\"password\":\"hunter2\"}");
            assertThat(wrong.statusCode()).isEqualTo(401);
        }
    }
}
