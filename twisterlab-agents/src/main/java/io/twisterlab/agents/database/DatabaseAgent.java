package io.twisterlab.agents.database;

import com.zaxxer.hikari.HikariDataSource;
import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.Param;
import io.twisterlab.core.ParamType;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code database} agent: read-only SQL and schema introspection over JDBC, pooled by HikariCP.
 *
 * <p><b>Least privilege first.</b> On an embedded H2 database ({@code jdbc:h2:mem:}, {@code jdbc:h2:file:}) the
 * configured (admin) account only creates a non-admin user with a random password and SELECT on every schema; the
 * pool queries as that user, so H2 itself refuses file access, linked databases, Java aliases, scripts and database
 * settings. If H2 closes the database (out of memory, for example), it is re-opened and the user re-created. On
 * PostgreSQL the agent checks its own account when it first connects: a superuser or a member of
 * {@code pg_signal_backend}, {@code pg_read_server_files}, {@code pg_write_server_files} or
 * {@code pg_execute_server_program} gets {@code execute_query} refused with {@code privileged_account} (and one
 * WARN log line; {@code db_health} names the problem) unless {@link Builder#allowPrivilegedAccount(boolean)}.
 *
 * <p><b>Read-only, enforced in layers.</b> Every {@code execute_query} (1) passes a lexical check ({@link SqlGuard}:
 * one statement, starting with SELECT/WITH/VALUES/TABLE/EXPLAIN/SHOW, no data-modifying keyword, no function that
 * acts outside the transaction however it is spelled); (2) runs on a read-only connection inside a transaction
 * that is <em>always rolled back</em>; (3) is checked by the database itself: on PostgreSQL the transaction is
 * {@code READ ONLY}, and session-level advisory locks are released before the connection returns to the pool; on
 * embedded H2 the statement is parsed by H2's own parser and refused unless H2 classifies it as a read-only query.
 * Other databases get layers (1) and (2) only: use a database account with read-only grants.
 *
 * <p><b>Bounded.</b> Rows ({@code limit}), result bytes ({@link Builder#maxResultBytes(long)}, failure
 * {@code result_too_large}) and time: the smaller of {@code timeout_ms} and the caller's own time budget
 * ({@link io.twisterlab.core.Invocation#findTimeout()}), enforced on the server (H2 {@code QUERY_TIMEOUT},
 * PostgreSQL {@code statement_timeout}) and by cancelling the statement at the deadline, so a timed-out query stops
 * and frees its connection. On embedded H2 (which holds a recursive query's rows in this JVM's heap) statements are
 * cancelled when the heap's old generation passes 80% while they run (failure
 * {@code query_memory_exceeded}). Parentheses nested deeper than the parser can take are refused before parsing.
 *
 * <pre>{@code
 * DatabaseAgent agent = DatabaseAgent.builder().url("jdbc:h2:mem:demo;DB_CLOSE_DELAY=-1").build();
 * agent.start();
 * AgentResponse r = agent.execute(AgentCall.of("execute_query", Map.of("sql", "SELECT 1 AS one")));
 * agent.stop();
 * }</pre>
 */
public final class DatabaseAgent extends AbstractCoreAgent {
    /** The agent's canonical name. */
    public static final String NAME = "database";
    /** The default: an in-memory H2 database that lives as long as the JVM. */
    public static final String DEFAULT_URL = "jdbc:h2:mem:twisterlab;DB_CLOSE_DELAY=-1";
    /** The default bound on one result's size: 8 MiB. */
    public static final long DEFAULT_MAX_RESULT_BYTES = 8L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseAgent.class);

    private final String url;
    private final String username;
    private final String password;
    private final int poolSize;
    private final Duration connectionTimeout;
    private final long maxResultBytes;
    private final boolean allowPrivilegedAccount;
    private final HeapGuard.Settings heapGuard;
    private volatile @Nullable HikariDataSource dataSource;
    private volatile @Nullable StatementWatchdog watchdog;
    private volatile @Nullable EmbeddedH2 embedded;
    private volatile @Nullable Dialect dialect;
    /** Empty: the account was checked and is fine; null: not checked yet. */
    @SuppressWarnings("NullableOptional") // three states on purpose: null = not checked yet, see above
    private volatile @Nullable Optional<String> privilegeProblem;

    private DatabaseAgent(Builder builder) {
        super(NAME, "Read-only SQL queries and schema introspection over JDBC (H2 embedded by default, PostgreSQL)",
                "1.0.0");
        this.url = builder.url;
        this.username = builder.username;
        this.password = builder.password;
        this.poolSize = builder.poolSize;
        this.connectionTimeout = builder.connectionTimeout;
        this.maxResultBytes = builder.maxResultBytes;
        this.allowPrivilegedAccount = builder.allowPrivilegedAccount;
        this.heapGuard = builder.heapGuard;

        query("execute_query", "Runs one read-only SQL statement with bound parameters; returns columns and rows")
                .param(Param.builder("sql", ParamType.STRING).required().maxLength(20_000)
                        .description("One SELECT, WITH, VALUES, TABLE, EXPLAIN or SHOW statement; ? for parameters")
                        .build())
                .param(Param.builder("params", ParamType.ARRAY).maxItems(200)
                        .description("Values bound to the ? placeholders, in order (strings, numbers, booleans, null)")
                        .build())
                .param(Param.builder("limit", ParamType.INTEGER).defaultValue(100).minimum(1).maximum(10_000)
                        .description("Maximum rows returned; truncated=true when there were more").build())
                .param(Param.builder("timeout_ms", ParamType.INTEGER).defaultValue(30_000).minimum(1)
                        .maximum(600_000).description("Query timeout in milliseconds (at most the caller's own "
                                + "time budget); the statement is cancelled when it passes").build())
                .handler(inv -> {
                    long timeoutMs = inv.arguments().getLong("timeout_ms");
                    long budgetMs = inv.findTimeout().map(t -> Math.min(t.toMillis(), timeoutMs)).orElse(timeoutMs);
                    return executeQuery(new ReadOnlyQuery(inv.arguments().getString("sql"),
                            inv.arguments().findList("params").orElse(List.of()), inv.arguments().getInt("limit"),
                            System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budgetMs), maxResultBytes));
                });
        query("list_tables", "Lists tables and views, of one schema or of every non-system schema")
                .param(Param.builder("schema", ParamType.STRING).maxLength(128).description("Schema name").build())
                .handler(inv -> withConnection(c -> SchemaIntrospection.listTables(c,
                        inv.arguments().findString("schema").orElse(null))));
        query("describe_table", "Columns (name, type, size, nullable, default) and primary key of a table")
                .requiredParam("table_name", ParamType.STRING, "Table or view name")
                .param(Param.builder("schema", ParamType.STRING).maxLength(128)
                        .description("Schema name; the connection's current schema by default").build())
                .handler(inv -> withConnection(c -> SchemaIntrospection.describeTable(c,
                        inv.arguments().getString("table_name"), inv.arguments().findString("schema").orElse(null))));
        query("db_health", "Connectivity, latency, database product and version, and pool usage")
                .handler(inv -> dbHealth());
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized void start() {
        if (dataSource != null) {
            return;
        }
        @Nullable EmbeddedH2 h2 = EmbeddedH2.isEmbedded(url) ? new EmbeddedH2(url, username, password) : null;
        if (h2 != null) {
            try {
                h2.open();
            } catch (SQLException e) {
                LOG.warn("database: opening the embedded H2 database failed: {}", e.getMessage());
            }
        }
        embedded = h2;
        HikariDataSource pool = h2 != null
                ? QueryPool.open(h2.queryUrl(), h2.queryUser(), h2.queryPassword(), poolSize, connectionTimeout)
                : QueryPool.open(url, username.isEmpty() ? null : username, password.isEmpty() ? null : password,
                        poolSize, connectionTimeout);
        watchdog = new StatementWatchdog(h2 != null ? heapGuard : null);
        dataSource = pool;
    }

    @Override
    public synchronized void stop() {
        HikariDataSource ds = dataSource;
        dataSource = null;
        if (ds != null) {
            ds.close();
        }
        StatementWatchdog w = watchdog;
        watchdog = null;
        if (w != null) {
            w.close();
        }
        EmbeddedH2 h2 = embedded;
        embedded = null;
        if (h2 != null) {
            h2.close();
        }
    }

    @Override
    public AgentHealth health() {
        Object result = dbHealth();
        if (result instanceof Map<?, ?> map && "healthy".equals(map.get("status"))) {
            return AgentHealth.of(HealthStatus.HEALTHY, "connection validated", Map.of("latency_ms",
                    Objects.requireNonNull(map.get("latency_ms"))));
        }
        return AgentHealth.unhealthy(result instanceof AgentResponse r
                ? r.findError().map(e -> e.message()).orElse("database unavailable") : "database unavailable");
    }

    // ---------------------------------------------------------------- execute_query

    private Object executeQuery(ReadOnlyQuery query) {
        HikariDataSource ds = dataSource;
        StatementWatchdog w = watchdog;
        if (ds == null || w == null) {
            return notStarted();
        }
        try (Connection connection = ds.getConnection()) {
            Dialect d = dialect(connection);
            Optional<String> privileged = privilegeProblem(connection, d);
            if (privileged.isPresent() && !allowPrivilegedAccount) {
                return AgentResponse.failure("privileged_account", privileged.get());
            }
            Optional<SqlGuard.Refusal> lexical = SqlGuard.check(query.sql(), d);
            if (lexical.isPresent()) {
                return AgentResponse.failure(lexical.get().code(), lexical.get().message());
            }
            connection.setAutoCommit(false);
            try {
                return query.run(connection, d, w);
            } finally {
                connection.rollback();
                if (d == Dialect.POSTGRESQL) {
                    PostgresSession.release(connection);
                }
            }
        } catch (SQLException e) {
            return query.remainingMillis() <= 0 && e instanceof SQLTransientConnectionException
                    ? ReadOnlyQuery.timedOut() : failure(e);
        } catch (StackOverflowError e) {
            return SqlFailures.nestedTooDeeply();
        }
    }

    // ---------------------------------------------------------------- metadata

    /** Work on a pooled connection. */
    private interface ConnectionWork {
        Object apply(Connection connection) throws SQLException;
    }

    private Object withConnection(ConnectionWork work) {
        HikariDataSource ds = dataSource;
        if (ds == null) {
            return notStarted();
        }
        try (Connection connection = ds.getConnection()) {
            return work.apply(connection);
        } catch (SQLException e) {
            return failure(e);
        }
    }

    // ---------------------------------------------------------------- health

    private Object dbHealth() {
        HikariDataSource ds = dataSource;
        if (ds == null) {
            return notStarted();
        }
        long start = System.nanoTime();
        Map<String, Object> result = new LinkedHashMap<>();
        try {
            checkConnection(ds, result);
        } catch (SQLException first) {
            try {
                if (!recoverEmbedded(first)) {
                    throw first;
                }
                checkConnection(ds, result);
            } catch (SQLException e) {
                result.put("status", "unhealthy");
                result.put("message", SqlFailures.sanitize(e));
            }
        }
        result.put("latency_ms", Math.round((System.nanoTime() - start) / 1e5) / 10.0);
        result.put("pool", QueryPool.stats(ds, poolSize));
        return result;
    }

    private void checkConnection(HikariDataSource ds, Map<String, Object> result) throws SQLException {
        try (Connection connection = ds.getConnection()) {
            boolean valid = connection.isValid((int) Math.max(1, connectionTimeout.toSeconds()));
            DatabaseMetaData meta = connection.getMetaData();
            Dialect d = dialect(connection);
            result.put("status", valid ? "healthy" : "unhealthy");
            result.put("product", meta.getDatabaseProductName());
            result.put("version", meta.getDatabaseProductVersion());
            result.put("driver", meta.getDriverName() + " " + meta.getDriverVersion());
            EmbeddedH2 h2 = embedded;
            result.put("read_only_enforcement", d.readOnlyEnforcement(h2 != null && h2.leastPrivilege()));
            privilegeProblem(connection, d).ifPresent(problem -> result.put("privileged_account", problem
                    + (allowPrivilegedAccount ? " (allowed by database.allow_privileged_account)" : "")));
        }
    }

    // ---------------------------------------------------------------- helpers

    private Dialect dialect(Connection connection) throws SQLException {
        Dialect d = dialect;
        if (d == null) {
            d = Dialect.of(connection.getMetaData().getDatabaseProductName());
            dialect = d;
        }
        return d;
    }

    /** Checked once, on the first connection: why the account must not serve queries, or empty. */
    private Optional<String> privilegeProblem(Connection connection, Dialect d) throws SQLException {
        Optional<String> problem = privilegeProblem;
        if (problem == null) {
            problem = d == Dialect.POSTGRESQL ? PostgresSession.privilegeProblem(connection) : Optional.empty();
            if (problem.isPresent()) {
                LOG.warn("database: {}{}", problem.get(), allowPrivilegedAccount
                        ? " (allowed by database.allow_privileged_account)" : "; execute_query is refused");
            }
            privilegeProblem = problem;
        }
        return problem;
    }

    /** If H2 closed the embedded database, re-opens it and drops the pool's dead connections. */
    private boolean recoverEmbedded(SQLException e) {
        EmbeddedH2 h2 = embedded;
        HikariDataSource ds = dataSource;
        if (h2 == null || ds == null || !EmbeddedH2.isClosed(e) || !h2.reopen()) {
            return false;
        }
        QueryPool.evictConnections(ds);
        return true;
    }

    /** A connection of the query pool, as {@code execute_query} uses it; for tests that bypass the guard. */
    Connection queryConnection() throws SQLException {
        HikariDataSource ds = dataSource;
        if (ds == null) {
            throw new SQLException("not started");
        }
        return ds.getConnection();
    }

    private static AgentResponse notStarted() {
        return AgentResponse.failure("database_unavailable", "The database agent is not started");
    }

    private AgentResponse failure(SQLException e) {
        if (recoverEmbedded(e)) {
            return AgentResponse.failure("database_unavailable", "The embedded database had closed (for example "
                    + "out of memory) and was re-opened; retry the call");
        }
        return SqlFailures.of(e);
    }

    /**
     * Builder for {@link DatabaseAgent}.
     *
     * <pre>{@code
     * DatabaseAgent.builder().url("jdbc:postgresql://localhost/app").username("reader").password(pw).build();
     * }</pre>
     */
    public static final class Builder {
        private String url = DEFAULT_URL;
        private String username = "";
        private String password = "";
        private int poolSize = 5;
        private Duration connectionTimeout = Duration.ofSeconds(5);
        private long maxResultBytes = DEFAULT_MAX_RESULT_BYTES;
        private boolean allowPrivilegedAccount;
        private HeapGuard.Settings heapGuard = HeapGuard.Settings.defaults();

        private Builder() {
        }

        /** How the heap is read for an embedded database; for tests that simulate a full heap. */
        Builder heapGuard(HeapGuard.Settings settings) {
            this.heapGuard = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** The largest result, in approximate JSON bytes, {@code execute_query} returns (1 KiB to 1 GiB). */
        public Builder maxResultBytes(long maxResultBytes) {
            if (maxResultBytes < 1024 || maxResultBytes > 1L << 30) {
                throw new IllegalArgumentException("max result bytes must be between 1024 and 1073741824: "
                        + maxResultBytes);
            }
            this.maxResultBytes = maxResultBytes;
            return this;
        }

        /**
         * Serve queries even when the PostgreSQL account is a superuser or may signal other sessions or reach the
         * server's files (default false: {@code execute_query} answers {@code privileged_account}).
         */
        public Builder allowPrivilegedAccount(boolean allow) {
            this.allowPrivilegedAccount = allow;
            return this;
        }

        /** A JDBC URL; the H2 or PostgreSQL driver (both bundled) or any driver on the class path. */
        public Builder url(String url) {
            if (!url.startsWith("jdbc:")) {
                throw new IllegalArgumentException("database url must start with jdbc:");
            }
            this.url = url;
            return this;
        }

        public Builder username(String username) {
            this.username = Objects.requireNonNull(username, "username");
            return this;
        }

        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Maximum pooled connections, 1 to 100. */
        public Builder poolSize(int poolSize) {
            if (poolSize < 1 || poolSize > 100) {
                throw new IllegalArgumentException("pool size must be between 1 and 100: " + poolSize);
            }
            this.poolSize = poolSize;
            return this;
        }

        /** How long to wait for a pooled connection (at least 250 ms, Hikari's minimum). */
        public Builder connectionTimeout(Duration timeout) {
            if (timeout.toMillis() < 250) {
                throw new IllegalArgumentException("connection timeout must be at least 250 ms: " + timeout);
            }
            this.connectionTimeout = timeout;
            return this;
        }

        public DatabaseAgent build() {
            return new DatabaseAgent(this);
        }
    }
}
