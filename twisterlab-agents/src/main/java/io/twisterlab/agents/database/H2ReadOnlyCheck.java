package io.twisterlab.agents.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import org.h2.command.Command;
import org.h2.engine.Session;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.message.DbException;

/**
 * Asks H2's own parser whether a statement is a read-only query ({@link Command#isQuery()} and
 * {@link Command#isReadOnly()}: H2's read-only analysis also catches sequence increments and non-deterministic
 * side effects such as {@code NEXT VALUE FOR}). Possible only for embedded H2, where the JDBC connection holds a
 * local session; a remote (TCP) H2 connection gets the lexical check and the rollback only.
 */
final class H2ReadOnlyCheck {
    private H2ReadOnlyCheck() {
    }

    /** A refusal, or empty if H2 says it is a read-only query (or the check is not possible). */
    static Optional<SqlGuard.Refusal> check(Connection connection, String sql) throws SQLException {
        if (!connection.isWrapperFor(JdbcConnection.class)) {
            return Optional.empty();
        }
        Session session = connection.unwrap(JdbcConnection.class).getSession();
        if (!(session instanceof SessionLocal local)) {
            return Optional.empty();
        }
        Command command;
        try {
            command = local.prepareLocal(sql);
        } catch (DbException parseError) {
            // Executing the statement reports the syntax error to the caller with H2's message.
            return Optional.empty();
        }
        try {
            if (!command.isQuery()) {
                return Optional.of(new SqlGuard.Refusal("read_only_violation",
                        "H2 does not parse this as a query: only read-only queries are allowed"));
            }
            if (!command.isReadOnly()) {
                return Optional.of(new SqlGuard.Refusal("read_only_violation",
                        "H2 reports that this query changes state (for example a sequence increment)"));
            }
            return Optional.empty();
        } finally {
            command.close();
        }
    }
}
