package io.twisterlab.agents.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.spi.ProviderContext;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.h2.engine.Constants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseAgentH2Test {
    private final String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private Connection admin;
    private DatabaseAgent agent;

    @BeforeEach
    void setUp() throws SQLException {
        admin = DriverManager.getConnection(url);
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(50) NOT NULL, total DECIMAL(10,2), "
                    + "placed DATE)");
            s.execute("INSERT INTO orders SELECT X, 'customer-' || MOD(X, 7), X * 10, DATE '2026-01-01' "
                    + "FROM SYSTEM_RANGE(1, 250)");
            s.execute("CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 1000");
            s.execute("CREATE SEQUENCE order_seq START WITH 1");
        }
        agent = DatabaseAgent.builder().url(url).poolSize(2).build();
        agent.start();
    }

    @AfterEach
    void tearDown() throws SQLException {
        agent.stop();
        try (Statement s = admin.createStatement()) {
            s.execute("DROP ALL OBJECTS");
        }
        admin.close();
    }

    private AgentResponse run(String capability, Map<String, ?> args) {
        return agent.execute(AgentCall.of(capability, args));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> ok(String capability, Map<String, ?> args) {
        AgentResponse response = run(capability, args);
        assertThat(response.success()).as("%s", response.error()).isTrue();
        return (Map<String, Object>) response.data();
    }

    private long orderCount() throws SQLException {
        try (Statement s = admin.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void selectsWithBoundParametersAndReportsColumns() {
        Map<String, Object> data = ok("execute_query", Map.of(
                "sql", "SELECT id, customer, total, placed FROM orders WHERE id <= ? AND customer = ? ORDER BY id",
                "params", List.of(20, "customer-3")));
        assertThat((List<Map<String, Object>>) data.get("columns")).extracting(c -> c.get("name"))
                .containsExactly("ID", "CUSTOMER", "TOTAL", "PLACED");
        assertThat((List<Map<String, Object>>) data.get("columns")).extracting(c -> c.get("type"))
                .containsExactly("INTEGER", "CHARACTER VARYING", "DECIMAL", "DATE");
        List<List<Object>> rows = (List<List<Object>>) data.get("rows");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0)).containsExactly(3L, "customer-3", new java.math.BigDecimal("30.00"), "2026-01-01");
        assertThat(data.get("row_count")).isEqualTo(3);
        assertThat(data.get("truncated")).isEqualTo(false);
    }

    @Test
    void limitsRowsAndReportsTruncation() {
        Map<String, Object> truncated = ok("execute_query", Map.of("sql", "SELECT id FROM orders", "limit", 100));
        assertThat(truncated.get("row_count")).isEqualTo(100);
        assertThat(truncated.get("truncated")).isEqualTo(true);
        Map<String, Object> exact = ok("execute_query", Map.of("sql", "SELECT id FROM orders", "limit", 250));
        assertThat(exact.get("row_count")).isEqualTo(250);
        assertThat(exact.get("truncated")).isEqualTo(false);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "DELETE FROM orders",
            "INSERT INTO orders VALUES (999, 'x', 1, NULL)",
            "UPDATE orders SET total = 0",
            "DROP TABLE orders",
            "WITH d AS (DELETE FROM orders RETURNING *) SELECT * FROM d",
            "SELECT 1; DELETE FROM orders",
    })
    void writesAreRefusedAndChangeNothing(String sql) throws SQLException {
        AgentResponse response = run("execute_query", Map.of("sql", sql));
        assertThat(response.success()).isFalse();
        assertThat(response.errorCode()).get().isIn("read_only_violation", "multiple_statements");
        assertThat(orderCount()).isEqualTo(250);
    }

    @ParameterizedTest
    @ValueSource(strings = {"EXPLAIN SELECT * FROM orders", "SHOW TABLES", "VALUES (1, 'a')", "TABLE big_orders",
            "WITH t AS (SELECT 1 AS a) SELECT a FROM t", "SELECT * FROM big_orders; "})
    void otherReadOnlyStatementsRun(String sql) {
        ok("execute_query", Map.of("sql", sql));
    }

    @Test
    @SuppressWarnings("unchecked")
    void timestampsWithTimeZoneKeepTheirOffset() {
        Map<String, Object> data = ok("execute_query", Map.of("sql",
                "SELECT TIMESTAMP WITH TIME ZONE '2026-01-01 12:00:00+02:00', TIMESTAMP '2026-01-01 12:00:00'"));
        assertThat(((List<List<Object>>) data.get("rows")).get(0))
                .containsExactly("2026-01-01T12:00+02:00", "2026-01-01T12:00");
    }

    @Test
    void sequenceIncrementIsRefusedByH2sOwnParser() throws SQLException {
        AgentResponse response = run("execute_query", Map.of("sql", "SELECT NEXT VALUE FOR order_seq"));
        assertThat(response.errorCode()).contains("read_only_violation");
        assertThat(response.findError().orElseThrow().message()).contains("H2");
        try (Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT NEXT VALUE FOR order_seq")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the sequence was never advanced").isEqualTo(1);
        }
    }

    @Test
    void syntaxErrorsAreSqlErrorsWithoutStackTraces() {
        AgentResponse response = run("execute_query", Map.of("sql", "SELECT FROM WHERE"));
        assertThat(response.errorCode()).contains("sql_error");
        assertThat(response.findError().orElseThrow().message()).doesNotContain("\n").doesNotContain("at org.h2");
    }

    @Test
    void nestedArrayParametersAreRefused() {
        AgentResponse response = run("execute_query", Map.of("sql", "SELECT ?", "params", List.of(List.of(1))));
        assertThat(response.errorCode()).contains("invalid_params");
    }

    @Test
    void aQueryThatExceedsItsTimeoutIsCancelled() {
        AgentResponse response = run("execute_query", Map.of(
                "sql", "SELECT COUNT(*) FROM SYSTEM_RANGE(1, 100000) a, SYSTEM_RANGE(1, 100000) b "
                        + "WHERE MOD(a.X + b.X, 7) = 3",
                "timeout_ms", 1000));
        assertThat(response.errorCode()).contains("query_timeout");
    }

    @Test
    @SuppressWarnings("unchecked")
    void listsTablesAndViewsOfAnySpellingOfTheSchema() {
        Map<String, Object> all = ok("list_tables", Map.of());
        assertThat((List<Map<String, Object>>) all.get("tables")).extracting(t -> t.get("name"), t -> t.get("schema"))
                .contains(org.assertj.core.groups.Tuple.tuple("ORDERS", "PUBLIC"),
                        org.assertj.core.groups.Tuple.tuple("BIG_ORDERS", "PUBLIC"))
                .noneMatch(t -> "INFORMATION_SCHEMA".equals(t.toArray()[1]));
        Map<String, Object> lower = ok("list_tables", Map.of("schema", "public"));
        assertThat(lower.get("count")).isEqualTo(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void describesATable() {
        Map<String, Object> data = ok("describe_table", Map.of("table_name", "orders"));
        assertThat(data.get("table")).isEqualTo("ORDERS");
        assertThat(data.get("schema")).isEqualTo("PUBLIC");
        assertThat(data.get("primary_key")).isEqualTo(List.of("ID"));
        List<Map<String, Object>> columns = (List<Map<String, Object>>) data.get("columns");
        assertThat(columns).extracting(c -> c.get("name")).containsExactly("ID", "CUSTOMER", "TOTAL", "PLACED");
        assertThat(columns.get(1)).containsEntry("nullable", false).containsEntry("size", 50);
        assertThat(run("describe_table", Map.of("table_name", "nope")).errorCode()).contains("table_not_found");
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportsHealthProductAndPool() {
        Map<String, Object> data = ok("db_health", Map.of());
        assertThat(data.get("status")).isEqualTo("healthy");
        assertThat(data.get("product")).isEqualTo("H2");
        // The version of the H2 on the classpath, e.g. "2.5.252 (2026-09-23)".
        assertThat((String) data.get("version"))
                .startsWith(Constants.VERSION_MAJOR + "." + Constants.VERSION_MINOR + "." + Constants.BUILD_ID + " ");
        assertThat((Double) data.get("latency_ms")).isNotNegative();
        assertThat((Map<String, Object>) data.get("pool")).containsKeys("active", "idle", "total", "waiting")
                .containsEntry("max", 2);
        assertThat(agent.health().status()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void anUnreachableDatabaseIsReportedNotHidden() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        DatabaseAgent down = DatabaseAgent.builder().url("jdbc:postgresql://127.0.0.1:" + port + "/none")
                .connectionTimeout(Duration.ofMillis(300)).build();
        down.start();
        try {
            AgentResponse query = down.execute(AgentCall.of("execute_query", Map.of("sql", "SELECT 1")));
            assertThat(query.errorCode()).contains("database_unavailable");
            AgentResponse health = down.execute(AgentCall.of("db_health", Map.of()));
            assertThat(health.success()).isTrue();
            assertThat(((Map<?, ?>) health.data()).get("status")).isEqualTo("unhealthy");
            assertThat(down.health().status()).isEqualTo(HealthStatus.UNHEALTHY);
        } finally {
            down.stop();
        }
    }

    @Test
    void providerReadsConfigurationAndNamesBadKeys() {
        DatabaseAgentProvider provider = new DatabaseAgentProvider();
        assertThat(provider.createAgents(ProviderContext.empty())).singleElement()
                .extracting(a -> a.name()).isEqualTo("database");
        assertThat(provider.createAgents(ProviderContext.builder().config("database.max_result_bytes", "4096")
                .config("database.allow_privileged_account", "true").build())).hasSize(1);
        assertThat(provider.createAgents(ProviderContext.builder().config("agents.database.enabled", "false")
                .build())).isEmpty();
        for (Map.Entry<String, String> bad : Arrays.asList(Map.entry("database.pool_size", "0"),
                Map.entry("database.pool_size", "many"), Map.entry("database.url", "postgres://x"),
                Map.entry("database.max_result_bytes", "100"), Map.entry("database.allow_privileged_account", "maybe"))) {
            assertThatThrownBy(() -> provider.createAgents(ProviderContext.builder()
                    .config(bad.getKey(), bad.getValue()).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.getKey());
        }
    }
}
