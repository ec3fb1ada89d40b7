package io.twisterlab.agents.database;

import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.JsonLimits;
import io.twisterlab.core.Violation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One {@code execute_query} on a borrowed connection: the database's own read-only checks, the bound parameters,
 * the time bound (server side: H2 {@code SET QUERY_TIMEOUT}, PostgreSQL {@code SET LOCAL statement_timeout}, else
 * {@link Statement#setQueryTimeout(int)}; client side: the {@link StatementWatchdog} cancels at the deadline, or
 * when the heap runs low for a database in this JVM) and the bounded read. The caller has run the lexical guard
 * and rolls back.
 *
 * @param sql          the statement
 * @param params       the values bound to its placeholders
 * @param limit        rows returned at most
 * @param deadlineNanos {@link System#nanoTime()} after which the statement is cancelled
 * @param maxBytes     result bytes at most
 */
record ReadOnlyQuery(String sql, List<Object> params, int limit, long deadlineNanos, long maxBytes) {
    /** A failure for the first parameter that cannot be bound, or empty. */
    private Optional<AgentResponse> checkParams() {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof List<?> || p instanceof Map<?, ?>) {
                return Optional.of(AgentResponse.failure("invalid_params", "params[" + i
                        + "] must be a string, number, boolean or null"));
            }
            // Converting 1e40000000 to an exact integer or plain string takes minutes. Validation refuses such
            // numbers before any handler runs; this repeats core's bound for callers that bind directly.
            Optional<Violation> absurd = JsonLimits.check("params[" + i + "]", p);
            if (absurd.isPresent()) {
                return Optional.of(AgentResponse.failure("invalid_params", absurd.get().field() + " "
                        + absurd.get().message()));
            }
        }
        return Optional.empty();
    }

    long remainingMillis() {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    Object run(Connection connection, Dialect dialect, StatementWatchdog watchdog) throws SQLException {
        Optional<AgentResponse> invalid = checkParams();
        if (invalid.isPresent()) {
            return invalid.get();
        }
        long timeoutMs = remainingMillis();
        if (timeoutMs <= 0) {
            return timedOut();
        }
        if (dialect == Dialect.POSTGRESQL) {
            PostgresSession.begin(connection, timeoutMs);
        } else if (dialect == Dialect.H2) {
            Optional<SqlGuard.Refusal> refusal = H2ReadOnlyCheck.check(connection, sql);
            if (refusal.isPresent()) {
                return AgentResponse.failure(refusal.get().code(), refusal.get().message());
            }
            setH2QueryTimeout(connection, timeoutMs);
        }
        try (PreparedStatement statement = connection.prepareStatement(sql);
             StatementWatchdog.Watch watch = watchdog.watch(statement, deadlineNanos - System.nanoTime())) {
            try {
                for (int i = 0; i < params.size(); i++) {
                    bind(statement, i + 1, params.get(i));
                }
                statement.setMaxRows(limit + 1);
                statement.setFetchSize(Math.min(limit + 1, 1000));
                if (dialect == Dialect.OTHER) {
                    statement.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, (timeoutMs + 999) / 1000));
                }
                if (!statement.execute()) {
                    return AgentResponse.failure("not_a_query", "The statement returned no result set");
                }
                try (ResultSet rs = statement.getResultSet()) {
                    return ResultReader.read(rs, limit, maxBytes);
                }
            } catch (SQLException e) {
                StatementWatchdog.Reason reason = watch.reason();
                if (reason == StatementWatchdog.Reason.MEMORY) {
                    return memoryExceeded();
                }
                if (reason == StatementWatchdog.Reason.TIMEOUT) {
                    return timedOut();
                }
                throw e;
            }
        } finally {
            if (dialect == Dialect.H2) {
                setH2QueryTimeout(connection, 0);
            }
        }
    }

    static AgentResponse timedOut() {
        return AgentResponse.failure("query_timeout", "The query was cancelled: it exceeded its timeout");
    }

    static AgentResponse memoryExceeded() {
        return AgentResponse.failure("query_memory_exceeded", "The query was cancelled: the server ran low on "
                + "memory while it ran; bound its result (a recursive query needs a stop condition)");
    }

    private static void setH2QueryTimeout(Connection connection, long millis) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("SET QUERY_TIMEOUT " + Math.min(Integer.MAX_VALUE, millis));
        }
    }

    private static void bind(PreparedStatement statement, int index, @Nullable Object value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.NULL);
        } else if (value instanceof String s) {
            statement.setString(index, s);
        } else if (value instanceof Boolean b) {
            statement.setBoolean(index, b);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte) {
            statement.setLong(index, ((Number) value).longValue());
        } else if (value instanceof BigDecimal decimal) {
            statement.setBigDecimal(index, decimal);
        } else if (value instanceof BigInteger big) {
            statement.setBigDecimal(index, new BigDecimal(big));
        } else if (value instanceof Number number) {
            statement.setDouble(index, number.doubleValue());
        } else {
            statement.setString(index, value.toString());
        }
    }
}
