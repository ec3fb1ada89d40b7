package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Scenario 6: SIGTERM while real slow requests are executing — H2 queries over a 9-million-row cross join through
 * {@code database.execute_query}, seen holding the database agent's pooled connections ({@code db_health}) before the
 * signal is sent. (Queries run as a non-admin H2 user, which sees only its own session in
 * {@code INFORMATION_SCHEMA.SESSIONS}; the pool is what the agent itself reports.)
 */
class GracefulShutdownIT extends E2eBase {
    static final int IN_FLIGHT = 3;
    static final String MARKER = "slow_e2e_marker";
    static final String EXECUTE_QUERY = "/api/v1/agents/database/capabilities/execute_query";
    static final String DB_HEALTH = "/api/v1/agents/database/capabilities/db_health";

    private final ApiKeys viewer = ApiKeys.generate("viewer", "viewer");

    static String slowQuery(int n) {
        return "SELECT SUM(MOD(a.X * b.X, 7)) AS " + MARKER + "_" + n
                + " FROM SYSTEM_RANGE(1, 3000) a, SYSTEM_RANGE(1, 3000) b";
    }

    ServerProcess start() {
        return server(0)
                .env("TWISTERLAB_API_KEYS", viewer.entry())
                .env("TWISTERLAB_RATELIMIT_DEFAULT", "10000/1m")
                .env("TWISTERLAB_DATABASE_POOL_SIZE", "8")
                .env("TWISTERLAB_SHUTDOWN_TIMEOUT_MS", "60000")
                .start().awaitReady();
    }

    HttpResponse<String> query(ServerProcess s, String sql) {
        return Http.postJson(s.uri(EXECUTE_QUERY), Http.bearer(viewer.key()),
                HostileInputIT.json(Map.of("sql", sql, "timeout_ms", 120_000)));
    }

    /** Starts the slow queries and returns once the database reports all of them executing. */
    List<CompletableFuture<HttpResponse<String>>> slowRequestsInFlight(ServerProcess s, ExecutorService pool) {
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            String sql = slowQuery(i);
            inFlight.add(CompletableFuture.supplyAsync(() -> query(s, sql), pool));
        }
        RedisOutageIT.await(IN_FLIGHT + " slow queries executing", () -> {
            JsonNode r = Http.json(Http.postJson(s.uri(DB_HEALTH), Http.bearer(viewer.key()), "{}"));
            return r.path("data").path("pool").path("active").asInt() == IN_FLIGHT;
        });
        assertThat(inFlight).as("still in flight when SIGTERM is sent").noneMatch(CompletableFuture::isDone);
        return inFlight;
    }

    @Test
    void sigtermDrainsInFlightRequestsThenTheProcessExits() throws Exception {
        ServerProcess s = start();
        ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
        try {
            List<CompletableFuture<HttpResponse<String>>> inFlight = slowRequestsInFlight(s, pool);

            s.process().destroy(); // SIGTERM
            assertThat(s.process().waitFor(90, TimeUnit.SECONDS)).as("exited after draining").isTrue();

            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                JsonNode body = Http.json(r);
                assertThat(body.path("success").asBoolean()).as(r.body()).isTrue();
                assertThat(body.path("data").path("rows").path(0).path(0).asLong()).isEqualTo(23_153_139L);
            }
            String log = s.logText();
            int stopping = log.indexOf("stopping: draining in-flight requests");
            int stopped = log.indexOf("] i.t.server.TwisterLabServer [-] stopped");
            assertThat(stopping).as("shutdown began; %s", s.logTail()).isPositive();
            assertThat(stopped).as("shutdown completed").isGreaterThan(stopping);
            long drainedAfterSignal = log.substring(stopping, stopped).lines()
                    .filter(l -> l.contains("path=" + EXECUTE_QUERY) && l.contains("status=200")).count();
            assertThat(drainedAfterSignal).as("slow requests answered between SIGTERM and stop").isEqualTo(IN_FLIGHT);
            assertThat(log).doesNotContain("Exception");
            // Main handles SIGTERM itself: an orderly stop is status 0, not the JVM's 128 + 15, nor a crash (137, 1)
            assertThat(s.process().exitValue()).as("exit status").isZero();
        } finally {
            pool.shutdownNow();
        }
    }
}
