package io.twisterlab.agents.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.twisterlab.agents.database.ReaderPostgres.scalar;

import io.twisterlab.core.AgentCall;
import io.twisterlab.core.AgentResponse;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A viewer's attacks on PostgreSQL, with the agent connected as a SELECT-only role. Each test asserts from a
 * separate admin connection that the effect did not happen: no advisory lock held, the other session alive, the
 * sequence unchanged. If PostgreSQL cannot start, this test fails; it never skips.
 */
class DatabaseAgentPostgresAttackIT {
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static ReaderPostgres db;
    private static DatabaseAgent agent;

    @BeforeAll
    static void startPostgres() throws IOException, SQLException {
        db = ReaderPostgres.start(
                "CREATE TABLE orders (id INT PRIMARY KEY, note TEXT)",
                "INSERT INTO orders SELECT g, repeat('n', 1000) FROM generate_series(1, 100) g",
                "CREATE SEQUENCE order_seq");
        agent = db.readerAgent().poolSize(2).maxResultBytes(16_384).build();
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

    private static AgentResponse query(String sql) {
        return agent.execute(AgentCall.of("execute_query", Map.of("sql", sql)));
    }

    @Test
    void noAdvisoryLockSurvivesHoweverItIsCalled() throws SQLException {
        for (String sql : List.of("SELECT pg_advisory_lock(42)", "SELECT \"pg_advisory_lock\" (42)",
                "SELECT pg_catalog.\"pg_try_advisory_lock_shared\"(42)", "SELECT pg_advisory_lock_shared(42)",
                "SELECT \"pg_try_advisory_lock\"(1, 2)")) {
            assertThat(query(sql).errorCode()).as(sql).contains("forbidden_function");
        }
        try (Connection admin = db.admin()) {
            assertThat(scalar(admin, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).isZero();
        }
    }

    @Test
    void aConnectionGoesBackToThePoolWithoutTheAdvisoryLocksItTook() throws SQLException {
        try (Connection reader = db.reader();
             Connection admin = db.admin()) {
            reader.setAutoCommit(false);
            scalar(reader, "SELECT CASE WHEN pg_advisory_lock(42) IS NULL THEN 1 ELSE 0 END");
            reader.rollback();
            assertThat(scalar(admin, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"))
                    .as("a rollback keeps session locks").isEqualTo(1);
            PostgresSession.release(reader);
            assertThat(scalar(admin, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).isZero();
        }
    }

    @Test
    void otherSessionsSurvive() throws SQLException {
        try (Connection victim = db.admin()) {
            long pid = scalar(victim, "SELECT pg_backend_pid()");
            for (String sql : List.of("SELECT pg_terminate_backend(" + pid + ")",
                    "SELECT \"pg_terminate_backend\"(" + pid + ")",
                    "SELECT pg_catalog.pg_cancel_backend(" + pid + ")")) {
                assertThat(query(sql).errorCode()).as(sql).contains("forbidden_function");
            }
            try (Connection reader = db.reader();
                 Statement s = reader.createStatement()) {
                assertThatThrownBy(() -> s.executeQuery("SELECT pg_terminate_backend(" + pid + ")"))
                        .as("the role alone may not signal another role's backend")
                        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                                .isEqualTo(INSUFFICIENT_PRIVILEGE));
            }
            assertThat(scalar(victim, "SELECT 1")).isEqualTo(1);
        }
    }

    @Test
    void sqlInStringsAndServerFilesAreRefused() throws SQLException {
        for (String sql : List.of("SELECT query_to_xml('select nextval(''order_seq'')', true, false, '')",
                "SELECT \"query_to_xml_and_xmlschema\"('select 1', true, false, '')",
                "SELECT pg_read_file('postgresql.conf')", "SELECT \"pg_ls_dir\"('.')", "SELECT lo_import('/etc/passwd')")) {
            assertThat(query(sql).success()).as(sql).isFalse();
        }
        try (Connection reader = db.reader();
             Statement s = reader.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery("SELECT pg_read_file('postgresql.conf')"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState())
                            .isEqualTo(INSUFFICIENT_PRIVILEGE));
        }
        try (Connection admin = db.admin()) {
            assertThat(scalar(admin, "SELECT CASE WHEN is_called THEN 1 ELSE 0 END FROM order_seq")).isZero();
        }
    }

    @Test
    void recursiveQueriesAndLongOnesStopAtTheirTimeout() {
        AgentResponse response = agent.execute(AgentCall.of("execute_query", Map.of("sql",
                "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t",
                "timeout_ms", 1000)));
        assertThat(response.errorCode()).contains("query_timeout");
        assertThat(query("SELECT 1").success()).isTrue();
    }

    @Test
    void resultsAreBoundedInBytes() {
        assertThat(query("SELECT note FROM orders").errorCode()).contains("result_too_large");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSuperuserAccountIsRefusedQueriesUnlessAllowed() {
        String url = db.superuserUrl();
        DatabaseAgent superuser = DatabaseAgent.builder().url(url).poolSize(1).build();
        DatabaseAgent allowed = DatabaseAgent.builder().url(url).poolSize(1).allowPrivilegedAccount(true).build();
        superuser.start();
        allowed.start();
        try {
            AgentResponse refused = superuser.execute(AgentCall.of("execute_query", Map.of("sql", "SELECT 1")));
            assertThat(refused.errorCode()).contains("privileged_account");
            assertThat(refused.findError().orElseThrow().message()).contains("superuser")
                    .contains("database.allow_privileged_account");
            Map<String, Object> health = (Map<String, Object>) superuser.execute(AgentCall.of("db_health",
                    Map.of())).data();
            assertThat((String) health.get("privileged_account")).contains("superuser");
            assertThat(allowed.execute(AgentCall.of("execute_query", Map.of("sql", "SELECT 1"))).success()).isTrue();
            Map<String, Object> readerHealth = (Map<String, Object>) agent.execute(AgentCall.of("db_health",
                    Map.of())).data();
            assertThat(readerHealth).doesNotContainKey("privileged_account");
        } finally {
            superuser.stop();
            allowed.stop();
        }
    }
}
