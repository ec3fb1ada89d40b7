package io.twisterlab.agents.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentDirectory;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.InvalidArgumentsException;
import io.twisterlab.core.Violation;
import java.math.BigDecimal;
import java.math.BigInteger;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.h2.api.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A viewer's attacks on the default embedded H2 database. Each test asserts that the effect did not happen (the
 * secret never appears, the file does not exist, the sequence did not move, the database still answers), and the
 * tests that bypass the lexical guard prove that the non-admin query user alone makes H2 refuse.
 */
class DatabaseAgentH2AttackTest {
    private static final String MARKER = "SECRET-" + UUID.randomUUID();
    private final String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    @TempDir
    Path dir;
    private Path secret;
    private Path written;
    private Connection admin;
    private DatabaseAgent agent;

    @BeforeEach
    void setUp() throws Exception {
        secret = Files.writeString(dir.resolve("secret.txt"), MARKER + "\n");
        written = dir.resolve("written.txt");
        admin = DriverManager.getConnection(url);
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(2000))");
            s.execute("INSERT INTO orders SELECT X, REPEAT('n', 1000) FROM SYSTEM_RANGE(1, 100)");
            s.execute("CREATE SEQUENCE order_seq START WITH 1");
        }
        agent = DatabaseAgent.builder().url(url).poolSize(2).maxResultBytes(16_384).build();
        agent.start();
    }

    @AfterEach
    void tearDown() throws SQLException {
        agent.stop();
        admin.close();
    }

    private AgentResponse run(Map<String, ?> args) {
        return agent.execute(AgentCall.of("execute_query", args));
    }

    private AgentResponse query(String sql) {
        return run(Map.of("sql", sql));
    }

    private String path(Path p) {
        return p.toAbsolutePath().toString().replace("'", "''");
    }

    @Test
    void fileReadsNeverReturnTheSecretHoweverSpelled() {
        String p = path(secret);
        List<String> attacks = List.of(
                "SELECT FILE_READ('" + p + "', NULL)",
                "SELECT \"FILE_READ\"('" + p + "', NULL)",
                "SELECT PUBLIC.\"FILE_READ\" /* x */ ('" + p + "', NULL)",
                "SELECT * FROM \"CSVREAD\"('" + p + "')",
                "SELECT 1 // '\n, FILE_READ('" + p + "', NULL) --'",
                "SELECT 1 // '\n, \"FILE_READ\"('" + p + "', NULL) --'",
                "SELECT CAST(\"FILE_READ\"('" + p + "') AS VARCHAR)");
        for (String sql : attacks) {
            AgentResponse response = query(sql);
            assertThat(response.success()).as(sql).isFalse();
            assertThat(String.valueOf(response.data()) + response.error()).as(sql).doesNotContain(MARKER);
        }
    }

    @Test
    void fileWritesLinkedDatabasesAndAliasesCreateNothing() {
        String p = path(written);
        String alias = "CREATE ALIAS IF NOT EXISTS W AS ''String w(String p) throws Exception { "
                + "java.nio.file.Files.writeString(java.nio.file.Path.of(p), \"x\"); return p; }''";
        List<String> attacks = List.of(
                "SELECT \"FILE_WRITE\"('x', '" + p + "')",
                "SELECT * FROM \"CSVWRITE\"('" + p + "', 'SELECT 1')",
                "CALL CSVWRITE('" + p + "', 'SELECT 1')",
                "SELECT * FROM \"LINK_SCHEMA\"('Z', '', 'jdbc:h2:mem:x;INIT=" + alias + "\\;CALL W(''" + p
                        + "'')', '', '', 'PUBLIC')",
                "SCRIPT TO '" + p + "'");
        for (String sql : attacks) {
            assertThat(query(sql).success()).as(sql).isFalse();
            assertThat(written).as(sql).doesNotExist();
        }
    }

    @Test
    void theDatabaseAloneRefusesAdminFeaturesToTheQueryUser() throws SQLException {
        String p = path(written);
        List<String> adminOnly = List.of(
                "SELECT FILE_READ('" + path(secret) + "', NULL)",
                "SELECT * FROM CSVREAD('" + path(secret) + "')",
                "SELECT FILE_WRITE('x', '" + p + "')",
                "CALL CSVWRITE('" + p + "', 'SELECT 1')",
                "SELECT * FROM LINK_SCHEMA('Z', '', 'jdbc:h2:mem:x', '', '', 'PUBLIC')",
                "CREATE ALIAS W AS 'String w() { return \"\"; }'",
                "SCRIPT TO '" + p + "'",
                "RUNSCRIPT FROM '" + path(secret) + "'",
                "SELECT CANCEL_SESSION(1)",
                "SET MAX_MEMORY_ROWS 1",
                "CREATE TABLE t (a INT)",
                "DELETE FROM orders");
        try (Connection c = agent.queryConnection(); Statement s = c.createStatement()) {
            for (String sql : adminOnly) {
                assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOfSatisfying(SQLException.class,
                        e -> assertThat(e.getErrorCode()).as(sql).isIn(ErrorCode.ADMIN_RIGHTS_REQUIRED,
                                ErrorCode.NOT_ENOUGH_RIGHTS_FOR_1));
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders")) {
                rs.next();
                assertThat(rs.getLong(1)).as("the query user reads").isEqualTo(100);
            }
        }
        assertThat(written).doesNotExist();
    }

    @Test
    void sequencesDoNotMoveHoweverTheyAreQuoted() throws SQLException {
        for (String sql : List.of("SELECT NEXT VALUE FOR order_seq", "SELECT NEXT VALUE FOR \"ORDER_SEQ\"",
                "SELECT NEXT VALUE FOR PUBLIC.order_seq FROM SYSTEM_RANGE(1, 10)")) {
            assertThat(query(sql).success()).as(sql).isFalse();
        }
        try (Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT BASE_VALUE FROM INFORMATION_SCHEMA.SEQUENCES "
                     + "WHERE SEQUENCE_NAME = 'ORDER_SEQ'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }

    @Test
    void timedOutStatementsStopAndFreeThePool() throws Exception {
        String sql = "SELECT SUM(X) FROM SYSTEM_RANGE(1, 100000000000)";
        ExecutorService callers = Executors.newFixedThreadPool(5);
        try {
            List<Future<AgentResponse>> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(callers.submit(() -> agent.execute(new AgentCall("execute_query", Map.of("sql", sql),
                        ExecutionContext.system(), AgentDirectory.empty(), Duration.ofMillis(300)))));
            }
            for (Future<AgentResponse> answer : answers) {
                assertThat(answer.get().errorCode()).contains("query_timeout");
            }
        } finally {
            callers.shutdownNow();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (activeConnections() > 0 || runningStatements() > 0) {
            assertThat(System.nanoTime()).as("the pool is idle and H2 runs nothing").isLessThan(deadline);
            Thread.onSpinWait();
        }
        assertThat(query("SELECT 1").success()).isTrue();
    }

    @SuppressWarnings("unchecked")
    private int activeConnections() {
        Map<String, Object> health = (Map<String, Object>) agent.execute(AgentCall.of("db_health", Map.of())).data();
        return (Integer) ((Map<String, Object>) health.get("pool")).get("active");
    }

    private long runningStatements() throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM "
                + "INFORMATION_SCHEMA.SESSIONS WHERE EXECUTING_STATEMENT LIKE '%SYSTEM_RANGE%' "
                + "AND SESSION_ID <> SESSION_ID()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void anUnboundedRecursiveQueryIsCancelledAndTheDatabaseStillAnswers() {
        AgentResponse response = run(Map.of("sql",
                "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT n FROM t",
                "timeout_ms", 1000));
        assertThat(response.errorCode()).contains("query_timeout");
        assertThat(query("SELECT 1").success()).isTrue();
        assertThat(agent.health().status()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void aDatabaseThatH2ClosedIsReopenedByItself() throws SQLException {
        try (Connection other = DriverManager.getConnection(url); Statement s = other.createStatement()) {
            s.execute("SHUTDOWN");
        }
        assertThat(agent.health().status()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(query("SELECT 1").success()).isTrue();
        assertThatThrownBy(() -> agent.queryConnection().createStatement()
                .executeQuery("SELECT FILE_READ('" + path(secret) + "', NULL)"))
                .as("the re-created user is not an admin either").isInstanceOf(SQLException.class);
    }

    @Test
    void hugeNumbersAreRefusedBeforeBinding() throws SQLException {
        List<Object> hugeNumbers = List.of(new BigDecimal("1e40000000"), new BigDecimal("1e-40000000"),
                BigInteger.TEN.pow(5000));
        for (Object huge : hugeNumbers) {
            assertThatThrownBy(() -> run(Map.of("sql", "SELECT ?", "params", List.of(huge))))
                    .as("validation, before the handler: %s", huge.getClass())
                    .isInstanceOfSatisfying(InvalidArgumentsException.class, e -> assertThat(e.violations())
                            .extracting(Violation::code).containsExactly(Violation.NUMBER));
        }
        try (Connection connection = agent.queryConnection(); StatementWatchdog watchdog = new StatementWatchdog(null)) {
            for (Object huge : hugeNumbers) {
                Object refused = new ReadOnlyQuery("SELECT ?", List.of(huge), 1,
                        System.nanoTime() + 10_000_000_000L, 1024).run(connection, Dialect.H2, watchdog);
                assertThat(refused).as("the bind layer on its own: %s", huge.getClass())
                        .isInstanceOfSatisfying(AgentResponse.class,
                                r -> assertThat(r.errorCode()).contains("invalid_params"));
            }
        }
        assertThat(run(Map.of("sql", "SELECT ?", "params", List.of(new BigDecimal("1.5e300")))).success()).isTrue();
    }

    @Test
    void parserBombsAreCleanFailures() {
        String parens = "SELECT " + "(".repeat(3000) + "1" + ")".repeat(3000);
        assertThat(query(parens).errorCode()).contains("unsupported_sql");
        String minus = "SELECT " + "- ".repeat(9000) + "1";
        String not = "SELECT " + "NOT ".repeat(4000) + "TRUE";
        for (String sql : List.of(minus, not)) {
            AgentResponse response = query(sql);
            if (!response.success()) {
                assertThat(response.errorCode()).get().isIn("sql_error", "unsupported_sql");
            }
        }
        assertThat(query("SELECT 1").success()).isTrue();
    }

    @Test
    void resultsAreBoundedInBytes() {
        AgentResponse big = run(Map.of("sql", "SELECT note FROM orders", "limit", 100));
        assertThat(big.errorCode()).contains("result_too_large");
        assertThat(run(Map.of("sql", "SELECT note FROM orders", "limit", 10)).success()).isTrue();
        AgentResponse wide = run(Map.of("sql", "SELECT REPEAT('\u00e9', 20000)", "limit", 1));
        assertThat(wide.errorCode()).as("two UTF-8 bytes per character").contains("result_too_large");
    }
}
