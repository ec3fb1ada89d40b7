package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security issue's attack corpus against the packaged jar with its default bounds, by callers holding a viewer
 * key (an operator key for Maestro, as an LLM client would): nothing is written or read from the server's files,
 * and afterwards the server still answers, its metric series did not grow, and its log holds no stack-trace flood.
 *
 * <p>The database is an H2 file the test creates as its admin ({@code ACCOUNTS} with one known row, sequence
 * {@code ACCOUNT_IDS}) and closes before the server opens it; once the server is stopped the file is opened again
 * to check that nothing changed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttackCorpusIT extends E2eBase {
    static final String EXECUTE_QUERY = "/api/v1/agents/database/capabilities/execute_query";
    static final String DB_ADMIN = "e2e_admin";
    static final String DB_ADMIN_PASSWORD = "e2e-admin-" + UUID.randomUUID();
    static final String SECRET = "e2e-secret-marker-" + UUID.randomUUID();
    /** The client waits longer than any server-side default, so a slow answer is seen rather than cut off. */
    static final Duration PATIENCE = Duration.ofMinutes(3);

    private final ApiKeys viewer = ApiKeys.generate("mallory", "viewer");
    private final ApiKeys operator = ApiKeys.generate("llm", "operator");
    private Path dir;
    private Path secretFile;
    private String jdbcUrl;
    private ServerProcess server;

    @Override
    boolean sharesProcessesAcrossTests() {
        return true;
    }

    @BeforeAll
    void createDatabaseAndStartServer(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        secretFile = Files.writeString(dir.resolve("secret.csv"), "SECRET\n" + SECRET + "\n");
        Files.writeString(dir.resolve("evil.sql"), "CREATE TABLE PWNED(ID INT);\n");
        jdbcUrl = "jdbc:h2:file:" + dir.resolve("e2e").toAbsolutePath();
        try (Connection c = DriverManager.getConnection(jdbcUrl, DB_ADMIN, DB_ADMIN_PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ACCOUNTS(ID INT PRIMARY KEY, NAME VARCHAR(64), BALANCE INT)");
            s.execute("INSERT INTO ACCOUNTS VALUES (1, 'alice', 100)");
            s.execute("CREATE SEQUENCE ACCOUNT_IDS START WITH 42");
        }
        server = server(0)
                .env("TWISTERLAB_API_KEYS", ApiKeys.config(viewer, operator))
                .env("TWISTERLAB_DATABASE_URL", jdbcUrl)
                .env("TWISTERLAB_DATABASE_USERNAME", DB_ADMIN)
                .env("TWISTERLAB_DATABASE_PASSWORD", DB_ADMIN_PASSWORD)
                .start().awaitReady();
    }

    private HttpResponse<String> run(ApiKeys who, String agent, String capability, Object arguments) {
        return runRaw(who, agent, capability, json(arguments));
    }

    private HttpResponse<String> runRaw(ApiKeys who, String agent, String capability, String body) {
        return Http.send(HttpRequest.newBuilder(server.uri("/api/v1/agents/" + agent + "/capabilities/" + capability))
                .timeout(PATIENCE).header("Authorization", "Bearer " + who.key())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpResponse<String> sql(String statement) {
        return run(viewer, "database", "execute_query", Map.of("sql", statement));
    }

    /** A refused call: 200 with {@code success: false} and a code, no internals, nothing secret. */
    private static void refused(HttpResponse<String> r, String what) {
        assertThat(r.statusCode()).as("%s -> %s", what, r.body()).isEqualTo(200);
        JsonNode body = Http.json(r);
        assertThat(body.path("success").asBoolean()).as("%s -> %s", what, r.body()).isFalse();
        assertThat(body.path("error").path("code").asText()).as(what).isNotBlank();
        assertThat(r.body()).as(what).doesNotContain("Exception", "\tat ", "root:", SECRET);
    }

    private JsonNode accounts() {
        HttpResponse<String> r = sql("SELECT ID, NAME, BALANCE FROM ACCOUNTS ORDER BY ID");
        assertThat(Http.json(r).path("success").asBoolean()).as(r.body()).isTrue();
        return Http.json(r).path("data").path("rows");
    }

    @Test
    @Order(1)
    void sqlWriteAndFileAttacksAreRefusedAndHaveNoEffect() {
        JsonNode before = accounts();
        assertThat(before.toString()).isEqualTo("[[1,\"alice\",100]]");
        String tmp = dir.toAbsolutePath().toString();
        List<String> written = List.of(tmp + "/pwned.csv", tmp + "/pwned.bin", tmp + "/pwned2.bin",
                tmp + "/dump.sql", tmp + "/backup.zip", tmp + "/link.bin");
        List<String> attacks = List.of(
                "INSERT INTO ACCOUNTS VALUES (NEXT VALUE FOR ACCOUNT_IDS, 'mallory', 1000000)",
                "UPDATE ACCOUNTS SET BALANCE = 0",
                "DELETE FROM ACCOUNTS",
                "MERGE INTO ACCOUNTS KEY(ID) VALUES (1, 'mallory', 0)",
                "/* comment */ TRUNCATE TABLE ACCOUNTS",
                "DROP TABLE ACCOUNTS",
                "ALTER TABLE ACCOUNTS ADD COLUMN PWNED INT",
                "CREATE TABLE PWNED AS SELECT * FROM ACCOUNTS",
                "SELECT 1; DELETE FROM ACCOUNTS",
                "SELECT * FROM ACCOUNTS FOR UPDATE",
                "SELECT NEXT VALUE FOR ACCOUNT_IDS",
                "SELECT NEXTVAL('ACCOUNT_IDS')",
                "ALTER SEQUENCE ACCOUNT_IDS RESTART WITH 1000",
                "SET EXCLUSIVE 1",
                "CREATE ALIAS EXEC AS 'String exec(String c) throws Exception { return null; }'",
                "SELECT CSVWRITE('" + written.get(0) + "', 'SELECT * FROM ACCOUNTS')",
                "SELECT \"FILE_WRITE\"(STRINGTOUTF8('x'), '" + written.get(1) + "')",
                "CALL FILE_WRITE(STRINGTOUTF8('x'), '" + written.get(2) + "')",
                "SCRIPT TO '" + written.get(3) + "'",
                "BACKUP TO '" + written.get(4) + "'",
                "RUNSCRIPT FROM '" + tmp + "/evil.sql'",
                "SELECT * FROM \"LINK_SCHEMA\"('L', '', 'jdbc:h2:mem:l;INIT=CALL FILE_WRITE(STRINGTOUTF8(''x''), ''"
                        + written.get(5) + "'')', 'sa', '', 'PUBLIC')",
                "SELECT * FROM LINK_SCHEMA('L', '', 'jdbc:h2:mem:l;INIT=CREATE ALIAS X AS ''String x() { return null; }''',"
                        + " 'sa', '', 'PUBLIC')",
                "SELECT \"FILE_READ\"('/etc/passwd', NULL)",
                "SELECT FILE_READ('" + secretFile + "', NULL)",
                "SELECT * FROM \"CSVREAD\"('" + secretFile + "')",
                "SELECT * FROM CSVREAD('" + secretFile + "')",
                "SELECT 1 // '\n, FILE_READ('" + secretFile + "', NULL) --'",
                "SELECT 1 // '\n, FILE_READ('/etc/passwd', NULL) --'");
        for (String attack : attacks) {
            refused(sql(attack), attack);
        }
        assertThat(accounts()).as("ACCOUNTS after the attacks").isEqualTo(before);
        HttpResponse<String> tables = sql("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                + "WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY TABLE_NAME");
        assertThat(Http.json(tables).path("data").path("rows").toString()).as(tables.body())
                .isEqualTo("[[\"ACCOUNTS\"]]");
        for (String file : written) {
            assertThat(Path.of(file)).as("written by an attack").doesNotExist();
        }
    }

    @Test
    @Order(2)
    void afterTheResourceCorpusTheServerStillAnswersWithTheSameSeriesAndNoTraceFlood() throws Exception {
        // warm-up: the routes, statuses and outcomes the corpus legitimately produces get their series first
        refused(sql("SELECT * FROM NO_SUCH_TABLE"), "warm-up");
        assertThat(sql("SELECT 1").statusCode()).isEqualTo(200);
        assertThat(runRaw(viewer, "database", "execute_query", "{\"sql\":").statusCode()).isEqualTo(400);
        run(viewer, "cache", "cache_keys", Map.of("pattern", "*"));
        run(operator, "maestro", "execute_command", Map.of("command", "@cache.cache_get(key=\"warm\")"));
        assertThat(RawHttp.pipeline(server.port(), List.of("WARMUP /nope HTTP/1.1"))).containsOnly(501);
        List<String> before = series();

        HttpResponse<String> huge = runRaw(viewer, "database", "execute_query",
                "{\"sql\":\"SELECT ?\",\"params\":[1e40000000]}");
        assertThat(huge.statusCode()).as(huge.body()).isEqualTo(400);
        assertThat(Http.json(huge).path("code").asText()).isEqualTo("invalid_json");

        HttpResponse<String> recursive = sql("WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM t) "
                + "SELECT n FROM t");
        assertThat(recursive.statusCode()).as(recursive.body()).isEqualTo(200);
        assertThat(recursive.body()).doesNotContain("Exception", "\tat ");
        assertThat(Http.json(recursive).path("error").path("code").asText()).as(recursive.body())
                .isIn("query_memory_exceeded", "query_timeout");

        List<Outcome> sums = runConcurrently(5, 5, i -> {
            long start = System.nanoTime();
            return Outcome.of(i, start, run(viewer, "database", "execute_query",
                    Map.of("sql", "SELECT SUM(X) FROM SYSTEM_RANGE(1, 100000000000)", "timeout_ms", 1000)));
        });
        for (Outcome o : sums) {
            assertThat(o.status()).as(o.body()).isEqualTo(200);
            assertThat(Http.JSON.readTree(o.body()).path("success").asBoolean()).as(o.body()).isFalse();
        }

        refused(sql("SELECT " + "(".repeat(3000) + "1" + ")".repeat(3000)), "3000 parentheses");

        for (int i = 0; i < 50; i++) {
            run(operator, "cache", "cache_set", Map.of("key", "k".repeat(200) + i, "value", i));
        }
        HttpResponse<String> glob = run(viewer, "cache", "cache_keys",
                Map.of("pattern", "*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?!"));
        assertThat(glob.statusCode()).as(glob.body()).isEqualTo(200);
        assertThat(Http.json(glob).path("success").asBoolean()).as(glob.body()).isTrue();

        String deepList = "[".repeat(600) + "]".repeat(600);
        HttpResponse<String> deep = run(operator, "maestro", "execute_command",
                Map.of("command", "@cache.cache_set(key=\"deep\", value=" + deepList + ")"));
        assertThat(deep.statusCode()).as(deep.body()).isLessThan(500);
        HttpResponse<String> stored = run(operator, "cache", "cache_get", Map.of("key", "deep"));
        assertThat(Http.json(stored).path("data").path("found").asBoolean()).as(stored.body()).isFalse();

        List<String> beforeFlood = series();
        for (int batch = 0; batch < 10; batch++) {
            List<String> lines = new ArrayList<>();
            for (int i = 0; i < 1_000; i++) {
                lines.add(String.format("M%07d /nope HTTP/1.1", batch * 1_000 + i));
            }
            assertThat(RawHttp.pipeline(server.port(), lines)).hasSize(1_000).containsOnly(501);
        }
        List<String> afterFlood = series();
        assertThat(afterFlood).as("10,000 invented methods share the series the warm-up's invented method created")
                .containsExactlyInAnyOrderElementsOf(beforeFlood)
                .noneMatch(s -> s.contains("M000") || s.contains("WARMUP"));

        HttpResponse<String> alive = sql("SELECT 1 AS ONE");
        assertThat(Http.json(alive).path("success").asBoolean()).as(alive.body()).isTrue();
        assertThat(Http.get(server.uri("/ready"), Map.of()).statusCode()).isEqualTo(200);
        // the corpus may reach outcomes the warm-up did not (timeout, ...): labels from closed sets, a few at most
        List<String> after = series();
        assertThat(after).as("metric series after the whole corpus")
                .hasSizeLessThanOrEqualTo(before.size() + 10)
                .noneMatch(s -> s.contains("M000") || s.contains("deep") || s.contains("kkkk") || s.contains("SELECT"));
        long traceLines = server.logText().lines().filter(l -> l.contains("\tat ")).count();
        assertThat(traceLines).as("stack-trace lines in %s", server.log()).isLessThan(50);
        assertThat(server.logText()).doesNotContain("OutOfMemoryError");
    }

    /**
     * Every {@code twisterlab_} sample of a scrape without its value, histograms by their {@code _count} only: one
     * entry per series.
     */
    private List<String> series() {
        HttpResponse<String> r = Http.get(server.uri("/metrics"), Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().lines().filter(l -> l.startsWith("twisterlab_") && !l.contains("_bucket{") && !l.contains("_sum{"))
                .filter(l -> !l.startsWith("twisterlab_ratelimit_tracked_keys"))
                .map(l -> l.substring(0, l.lastIndexOf(' '))).toList();
    }

    @Test
    @Order(3)
    void theDatabaseFileIsUnchangedOnceTheServerIsStopped() throws SQLException, IOException {
        assertThat(server.terminate(Duration.ofSeconds(30))).isZero();
        try (Connection c = DriverManager.getConnection(jdbcUrl, DB_ADMIN, DB_ADMIN_PASSWORD);
             Statement s = c.createStatement()) {
            assertThat(rows(s, "SELECT ID, NAME, BALANCE FROM ACCOUNTS ORDER BY ID")).containsExactly("1|alice|100");
            assertThat(rows(s, "SELECT BASE_VALUE FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_NAME = "
                    + "'ACCOUNT_IDS'")).as("the sequence never advanced").containsExactly("42");
            assertThat(rows(s, "SELECT TABLE_SCHEMA || '.' || TABLE_NAME FROM INFORMATION_SCHEMA.TABLES "
                    + "WHERE TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA')")).containsExactly("PUBLIC.ACCOUNTS");
            assertThat(rows(s, "SELECT ROUTINE_NAME FROM INFORMATION_SCHEMA.ROUTINES WHERE ROUTINE_SCHEMA = 'PUBLIC'"))
                    .as("no alias was created").isEmpty();
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("e2e.")))
                    .containsExactlyInAnyOrder("secret.csv", "evil.sql");
        }
        assertThat(Files.readString(secretFile, StandardCharsets.UTF_8)).contains(SECRET);
    }

    private static List<String> rows(Statement s, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(query)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    static String json(Object value) {
        return HostileInputIT.json(value);
    }
}
