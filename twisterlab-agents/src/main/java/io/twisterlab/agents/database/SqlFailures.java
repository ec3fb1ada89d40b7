package io.twisterlab.agents.database;

import io.twisterlab.core.AgentResponse;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps a database error to a stable failure code and a bounded, one-line message. */
final class SqlFailures {
    private static final Logger LOG = LoggerFactory.getLogger(SqlFailures.class);
    private static final int MAX_ERROR_MESSAGE = 500;

    private SqlFailures() {
    }

    static AgentResponse of(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (e instanceof SQLTimeoutException || state.equals("57014")) {
            return ReadOnlyQuery.timedOut();
        }
        if (state.equals("25006") || e.getErrorCode() == 90097) {
            return AgentResponse.failure("read_only_violation", "The database refused a write in a read-only "
                    + "transaction: " + sanitize(e));
        }
        if (e instanceof SQLTransientConnectionException || state.startsWith("08")) {
            LOG.warn("database unavailable: {}", e.getMessage());
            return AgentResponse.failure("database_unavailable", "The database is not reachable");
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StackOverflowError) {
                return nestedTooDeeply();
            }
        }
        return AgentResponse.failure("sql_error", sanitize(e));
    }

    /** A statement whose nesting overflowed the parser's stack. */
    static AgentResponse nestedTooDeeply() {
        return AgentResponse.failure("unsupported_sql", "The statement is nested too deeply to parse");
    }

    /** The database's message, first line only and bounded; it describes the caller's SQL, not our internals. */
    static String sanitize(SQLException e) {
        String message = e.getMessage() == null ? "SQL error " + e.getSQLState() : e.getMessage();
        String line = message.lines().findFirst().orElse("").trim();
        return line.length() > MAX_ERROR_MESSAGE ? line.substring(0, MAX_ERROR_MESSAGE) + "..." : line;
    }
}
