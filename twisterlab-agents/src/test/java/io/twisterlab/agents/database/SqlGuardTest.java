package io.twisterlab.agents.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SqlGuardTest {
    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT 1",
            "select * from t where a = ?;",
            "SELECT 1;  -- trailing comment",
            "SELECT 'DELETE FROM t; DROP TABLE x' AS s",
            "SELECT \"delete\", \"update\" FROM t",
            "WITH x AS (SELECT 1 AS a) SELECT a FROM x",
            "VALUES (1, 2)",
            "EXPLAIN SELECT * FROM t",
            "SHOW TABLES",
            "  (SELECT 1) UNION (SELECT 2)",
            "SELECT created_at, updated_by, deleted FROM t",
            "SELECT 1 /* DELETE FROM t */",
            "SELECT 'it''s'; ",
    })
    void readOnlyStatementsPass(String sql) {
        assertThat(SqlGuard.check(sql, Dialect.H2)).isEmpty();
        assertThat(SqlGuard.check(sql, Dialect.POSTGRESQL)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"\"|empty_statement",
            "\"  -- nothing\"|empty_statement",
            "SELECT 1; DROP TABLE t|multiple_statements",
            "SELECT 1; SELECT 2|multiple_statements",
            "SELECT 1;;'x'|multiple_statements",
            "DELETE FROM t|read_only_violation",
            "INSERT INTO t VALUES (1)|read_only_violation",
            "update t set a = 1|read_only_violation",
            "DROP TABLE t|read_only_violation",
            "CREATE TABLE x (a INT)|read_only_violation",
            "TRUNCATE TABLE t|read_only_violation",
            "SET TRANSACTION READ WRITE|read_only_violation",
            "COMMIT|read_only_violation",
            "CALL f()|read_only_violation",
            "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d|read_only_violation",
            "WITH u AS (UPDATE t SET a = 1 RETURNING a) SELECT a FROM u|read_only_violation",
            "SELECT * INTO copy_of_t FROM t|read_only_violation",
            "SELECT * FROM t FOR UPDATE|read_only_violation",
            "SELECT FILE_WRITE('x', '/tmp/x')|forbidden_function",
            "SELECT * FROM CSVREAD('/etc/passwd')|forbidden_function",
            "SELECT pg_terminate_backend(42)|forbidden_function",
            "SELECT set_config('a.b', 'c', false)|forbidden_function",
            "SELECT 'unterminated|unsupported_sql",
            "SELECT 1 /* a /* nested */ DELETE */|unsupported_sql",
            "SELECT 1 /* unterminated|unsupported_sql",
    })
    void writesAndTricksAreRefused(String sql, String code) {
        Optional<SqlGuard.Refusal> h2 = SqlGuard.check(sql, Dialect.H2);
        Optional<SqlGuard.Refusal> pg = SqlGuard.check(sql, Dialect.POSTGRESQL);
        assertThat(h2).as(sql).get().extracting(SqlGuard.Refusal::code).isEqualTo(code);
        assertThat(pg).as(sql).get().extracting(SqlGuard.Refusal::code).isEqualTo(code);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "SELECT $$DELETE FROM t; $$ AS body|",
            "SELECT $fn$ ; DROP TABLE t $fn$|",
            "SELECT E'\\' ; DROP TABLE t' AS s|",
            "SELECT $1, a$b FROM t|",
            "SELECT $$ body $$; DELETE FROM t|multiple_statements",
            "SELECT E'\\''; DELETE FROM t --'|multiple_statements",
    })
    void postgresDollarQuotesAndEscapeStrings(String sql, String code) {
        Optional<SqlGuard.Refusal> refusal = SqlGuard.check(sql, Dialect.POSTGRESQL);
        if (code == null) {
            assertThat(refusal).as(sql).isEmpty();
        } else {
            assertThat(refusal).as(sql).get().extracting(SqlGuard.Refusal::code).isEqualTo(code);
        }
    }

    @Test
    void lineCommentsEndAtACarriageReturnToo() {
        String sql = "SELECT 1 -- note\r; DELETE FROM t";
        assertThat(SqlGuard.check(sql, Dialect.H2)).get().extracting(SqlGuard.Refusal::code)
                .isEqualTo("multiple_statements");
        assertThat(SqlGuard.check(sql, Dialect.POSTGRESQL)).get().extracting(SqlGuard.Refusal::code)
                .isEqualTo("multiple_statements");
    }

    @Test
    void taggedDollarQuotesAreAcceptedOnPostgresOnly() {
        String sql = "SELECT $a$ ; DELETE FROM t $a$";
        assertThat(SqlGuard.check(sql, Dialect.POSTGRESQL)).isEmpty();
        assertThat(SqlGuard.check(sql, Dialect.H2)).get().extracting(SqlGuard.Refusal::code)
                .isEqualTo("unsupported_sql");
        assertThat(SqlGuard.check("SELECT $$ body $$", Dialect.H2)).isEmpty();
    }

    @Test
    void unknownDatabasesMustPassWithAndWithoutBackslashEscapes() {
        String sql = "SELECT '\\'' ; DELETE FROM t; -- '";
        assertThat(SqlGuard.check(sql, Dialect.H2)).isEmpty();
        assertThat(SqlGuard.check(sql, Dialect.OTHER)).isPresent();
        assertThat(SqlGuard.check("SELECT 'it''s'", Dialect.OTHER)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SELECT \"FILE_READ\"('/etc/passwd', NULL)",
            "SELECT \"file_read\" ('/etc/passwd', NULL)",
            "SELECT * FROM \"LINK_SCHEMA\"('Z','','jdbc:h2:mem:x','','','PUBLIC')",
            "SELECT \"pg_advisory_lock\" (42)",
            "SELECT pg_catalog.\"pg_try_advisory_lock_shared\"(42)",
            "SELECT pg_catalog.pg_advisory_xact_lock(1)",
            "SELECT \"pg_terminate_backend\" /* c */ (pid) FROM pg_stat_activity",
            "SELECT query_to_xml('select 1', true, false, '')",
            "SELECT lo_get(1)",
            "SELECT dblink_send_query('x', 'y')",
            "SELECT pg_read_binary_file('x')",
            "SELECT \"pg_ls_waldir\"()",
            "SELECT database_to_xml(true, true, '')",
    })
    void forbiddenFunctionsAreFoundQuotedQualifiedOrSpacedFromTheirArguments(String sql) {
        assertThat(SqlGuard.check(sql, Dialect.H2)).as(sql).get().extracting(SqlGuard.Refusal::code)
                .isEqualTo("forbidden_function");
        assertThat(SqlGuard.check(sql, Dialect.POSTGRESQL)).as(sql).get().extracting(SqlGuard.Refusal::code)
                .isEqualTo("forbidden_function");
    }

    @Test
    void quotedNamesThatAreNotCalledAreColumns() {
        assertThat(SqlGuard.check("SELECT \"file_read\", \"lo_id\" FROM t", Dialect.H2)).isEmpty();
        assertThat(SqlGuard.check("SELECT lo_id FROM t", Dialect.POSTGRESQL)).isEmpty();
    }

    @Test
    void slashSlashIsALineCommentOnH2() {
        String sql = "SELECT 1 // '\n, FILE_READ('/etc/passwd', NULL) --'";
        assertThat(SqlGuard.check(sql, Dialect.H2)).get().extracting(SqlGuard.Refusal::code)
                .isEqualTo("forbidden_function");
        assertThat(SqlGuard.check("SELECT 1 // '\n; DELETE FROM t --'", Dialect.H2)).get()
                .extracting(SqlGuard.Refusal::code).isEqualTo("multiple_statements");
        assertThat(SqlGuard.check("SELECT 4 // 2", Dialect.OTHER)).get().extracting(SqlGuard.Refusal::code)
                .isEqualTo("unsupported_sql");
        assertThat(SqlGuard.check("SELECT 1 # comment", Dialect.OTHER)).get().extracting(SqlGuard.Refusal::code)
                .isEqualTo("unsupported_sql");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT `FILE_READ`('x')", "SELECT U&\"\\0066ile_read\"('x')"})
    void identifiersTheGuardCannotReadAreRefused(String sql) {
        assertThat(SqlGuard.check(sql, Dialect.H2)).get().extracting(SqlGuard.Refusal::code)
                .isEqualTo("unsupported_sql");
        assertThat(SqlGuard.check(sql, Dialect.POSTGRESQL)).get().extracting(SqlGuard.Refusal::code)
                .isEqualTo("unsupported_sql");
    }

    @Test
    void nestingDeeperThanTheBoundIsRefusedBeforeAnyParser() {
        int max = SqlGuard.MAX_NESTING;
        assertThat(SqlGuard.check("SELECT " + "(".repeat(max) + "1" + ")".repeat(max), Dialect.H2)).isEmpty();
        assertThat(SqlGuard.check("SELECT " + "(".repeat(max + 1) + "1" + ")".repeat(max + 1), Dialect.H2)).get()
                .extracting(SqlGuard.Refusal::code).isEqualTo("unsupported_sql");
        assertThat(SqlGuard.check("SELECT " + "(1) + ".repeat(500) + "1", Dialect.H2)).as("depth, not count")
                .isEmpty();
    }
}
