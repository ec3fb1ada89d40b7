package io.twisterlab.agents.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the agent does on PostgreSQL around a caller's statement: checks its own account once (a superuser, or a
 * member of a role that reaches other sessions or the server's files, must not serve queries), opens every
 * transaction {@code READ ONLY} with a {@code statement_timeout}, and hands the connection back to the pool clean:
 * session-level advisory locks survive a {@code ROLLBACK}, so they are released explicitly.
 */
final class PostgresSession {
    /** Predefined roles whose members can act outside their own session. */
    static final List<String> PRIVILEGED_ROLES = List.of("pg_signal_backend", "pg_read_server_files",
            "pg_write_server_files", "pg_execute_server_program");

    private PostgresSession() {
    }

    /** Why the connected account is too privileged to serve queries, or empty if it is not. */
    static Optional<String> privilegeProblem(Connection connection) throws SQLException {
        List<String> reasons = new ArrayList<>();
        try (Statement s = connection.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
                if (rs.next() && rs.getBoolean(1)) {
                    reasons.add("a superuser");
                }
            }
            if (reasons.isEmpty()) {
                try (ResultSet rs = s.executeQuery(membershipQuery())) {
                    while (rs.next()) {
                        reasons.add("a member of " + rs.getString(1));
                    }
                }
            }
        } finally {
            connection.rollback();
        }
        if (reasons.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("The database account '" + connection.getMetaData().getUserName() + "' is "
                + String.join(", ", reasons) + ": connect as a role with only CONNECT, USAGE on the schema and "
                + "SELECT on the tables, or set database.allow_privileged_account=true");
    }

    /** The privileged roles the current user is a member of (a superuser is a member of every role). */
    private static String membershipQuery() {
        return "SELECT rolname FROM pg_roles WHERE rolname IN ('" + String.join("', '", PRIVILEGED_ROLES)
                + "') AND pg_has_role(current_user, oid, 'MEMBER') ORDER BY rolname";
    }

    /** Starts the read-only transaction of one statement, bounded on the server to {@code timeoutMs}. */
    static void begin(Connection connection, long timeoutMs) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
            s.execute("SET LOCAL statement_timeout = " + Math.max(1, timeoutMs));
        }
    }

    /** After the rollback: releases session-level advisory locks, which a rollback keeps. */
    static void release(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SELECT pg_advisory_unlock_all()");
        } finally {
            connection.rollback();
        }
    }
}
