package io.twisterlab.agents.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.twisterlab.core.AbstractCoreAgent;
import io.twisterlab.core.AgentHealth;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.HealthStatus;
import io.twisterlab.core.Param;
import io.twisterlab.core.ParamType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code database} agent: read-only SQL and schema introspection over JDBC, pooled by HikariCP.
 *
 * <p><b>Read-only, enforced in layers.</b> Every {@code execute_query} (1) passes a lexical check: one statement,
 * starting with SELECT/WITH/VALUES/TABLE/EXPLAIN/SHOW, with no data-modifying keyword anywhere (which refuses
 * {@code WITH d AS (DELETE ...) SELECT ...}) and no function that acts outside the transaction; (2) runs on a
 * read-only connection inside a transaction that is <em>always rolled back</em>; (3) is checked by the database
 * itself: on PostgreSQL the transaction is {@code SET TRANSACTION READ ONLY}, so the server rejects any write,
 * including data-modifying CTEs, {@code nextval()} and writes hidden in functions; on embedded H2 the statement is
 * parsed by H2's own parser and refused unless H2 classifies it as a read-only query. Other databases get layers
 * (1) and (2) only. Use a database account with read-only grants as well.
 *
 * <p>Rows are capped with {@link Statement#setMaxRows(int)} at {@code limit + 1} (the extra row only reveals
 * truncation), parameters are bound, and the query timeout is {@link Statement#setQueryTimeout(int)} (JDBC counts
 * whole seconds, so {@code timeout_ms} is rounded up).
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

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseAgent.class);
    private static final Set<String> TABLE_TYPES = Set.of("TABLE", "BASE TABLE", "VIEW", "MATERIALIZED VIEW",
            "FOREIGN TABLE", "PARTITIONED TABLE");
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("INFORMATION_SCHEMA", "PG_CATALOG", "PG_TOAST");
    private static final int MAX_ERROR_MESSAGE = 500;

    private final String url;
    private final String username;
    private final String password;
    private final int poolSize;
    private final Duration connectionTimeout;
    private volatile @Nullable HikariDataSource dataSource;
    private volatile @Nullable Dialect dialect;

    private DatabaseAgent(Builder builder) {
        super(NAME, "Read-only SQL queries and schema introspection over JDBC (H2 embedded by default, PostgreSQL)",
                "1.0.0");
        this.url = builder.url;
        this.username = builder.username;
        this.password = builder.password;
        this.poolSize = builder.poolSize;
        this.connectionTimeout = builder.connectionTimeout;

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
                        .maximum(600_000).description("Query timeout (rounded up to whole seconds)").build())
                .handler(inv -> executeQuery(inv.arguments().getString("sql"),
                        inv.arguments().findList("params").orElse(List.of()), inv.arguments().getInt("limit"),
                        inv.arguments().getLong("timeout_ms")));
        query("list_tables", "Lists tables and views, of one schema or of every non-system schema")
                .param(Param.builder("schema", ParamType.STRING).maxLength(128).description("Schema name").build())
                .handler(inv -> listTables(inv.arguments().findString("schema").orElse(null)));
        query("describe_table", "Columns (name, type, size, nullable, default) and primary key of a table")
                .requiredParam("table_name", ParamType.STRING, "Table or view name")
                .param(Param.builder("schema", ParamType.STRING).maxLength(128)
                        .description("Schema name; the connection's current schema by default").build())
                .handler(inv -> describeTable(inv.arguments().getString("table_name"),
                        inv.arguments().findString("schema").orElse(null)));
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
        HikariConfig config = new HikariConfig();
        config.setPoolName("twisterlab-database");
        config.setJdbcUrl(url);
        if (!username.isEmpty()) {
            config.setUsername(username);
        }
        if (!password.isEmpty()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(1, poolSize));
        config.setReadOnly(true);
        config.setAutoCommit(false);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        // Start even if the database is down: db_health and health() report it, queries fail as unavailable.
        config.setInitializationFailTimeout(-1);
        dataSource = new HikariDataSource(config);
    }

    @Override
    public synchronized void stop() {
        HikariDataSource ds = dataSource;
        dataSource = null;
        if (ds != null) {
            ds.close();
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

    private Object executeQuery(String sql, List<Object> params, int limit, long timeoutMs) {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof List<?> || p instanceof Map<?, ?>) {
                return AgentResponse.failure("invalid_params", "params[" + i
                        + "] must be a string, number, boolean or null");
            }
        }
        HikariDataSource ds = dataSource;
        if (ds == null) {
            return notStarted();
        }
        try (Connection connection = ds.getConnection()) {
            Dialect d = dialect(connection);
            Optional<SqlGuard.Refusal> lexical = SqlGuard.check(sql, d);
            if (lexical.isPresent()) {
                return AgentResponse.failure(lexical.get().code(), lexical.get().message());
            }
            connection.setAutoCommit(false);
            try {
                return runReadOnly(connection, d, sql, params, limit, timeoutMs);
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            return failure(e);
        }
    }

    private Object runReadOnly(Connection connection, Dialect d, String sql, List<Object> params, int limit,
                               long timeoutMs) throws SQLException {
        if (d == Dialect.POSTGRESQL) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET TRANSACTION READ ONLY");
            }
        } else if (d == Dialect.H2) {
            Optional<SqlGuard.Refusal> refusal = H2ReadOnlyCheck.check(connection, sql);
            if (refusal.isPresent()) {
                return AgentResponse.failure(refusal.get().code(), refusal.get().message());
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                bind(statement, i + 1, params.get(i));
            }
            statement.setMaxRows(limit + 1);
            statement.setFetchSize(Math.min(limit + 1, 1000));
            statement.setQueryTimeout((int) Math.min(Integer.MAX_VALUE, (timeoutMs + 999) / 1000));
            if (!statement.execute()) {
                return AgentResponse.failure("not_a_query", "The statement returned no result set");
            }
            try (ResultSet rs = statement.getResultSet()) {
                ResultSetMetaData meta = rs.getMetaData();
                int count = meta.getColumnCount();
                List<Map<String, Object>> columns = new ArrayList<>();
                String[] types = new String[count + 1];
                for (int c = 1; c <= count; c++) {
                    Map<String, Object> column = new LinkedHashMap<>();
                    types[c] = Objects.requireNonNullElse(meta.getColumnTypeName(c), "");
                    column.put("name", meta.getColumnLabel(c));
                    column.put("type", types[c]);
                    columns.add(column);
                }
                List<List<@Nullable Object>> rows = new ArrayList<>();
                boolean truncated = false;
                while (rs.next()) {
                    if (rows.size() == limit) {
                        truncated = true;
                        break;
                    }
                    List<@Nullable Object> row = new ArrayList<>(count);
                    for (int c = 1; c <= count; c++) {
                        row.add(JdbcValues.read(rs, c, types[c]));
                    }
                    rows.add(row);
                }
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("columns", columns);
                result.put("rows", rows);
                result.put("row_count", rows.size());
                result.put("truncated", truncated);
                return result;
            }
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

    // ---------------------------------------------------------------- metadata

    private Object listTables(@Nullable String schema) {
        HikariDataSource ds = dataSource;
        if (ds == null) {
            return notStarted();
        }
        try (Connection connection = ds.getConnection()) {
            try {
                DatabaseMetaData meta = connection.getMetaData();
                List<Map<String, Object>> tables = tables(meta, schema == null ? null : escape(meta, schema));
                if (tables.isEmpty() && schema != null) {
                    tables = tables(meta, escape(meta, normalise(meta, schema)));
                }
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("schema", schema);
                result.put("tables", tables);
                result.put("count", tables.size());
                return result;
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            return failure(e);
        }
    }

    private static List<Map<String, Object>> tables(DatabaseMetaData meta, @Nullable String schemaPattern)
            throws SQLException {
        List<Map<String, Object>> tables = new ArrayList<>();
        try (ResultSet rs = meta.getTables(null, schemaPattern, "%", null)) {
            while (rs.next()) {
                String type = rs.getString("TABLE_TYPE");
                String tableSchema = rs.getString("TABLE_SCHEM");
                if (type == null || !TABLE_TYPES.contains(type.toUpperCase(Locale.ROOT))) {
                    continue;
                }
                if (schemaPattern == null && tableSchema != null
                        && SYSTEM_SCHEMAS.contains(tableSchema.toUpperCase(Locale.ROOT))) {
                    continue;
                }
                Map<String, Object> table = new LinkedHashMap<>();
                table.put("schema", tableSchema);
                table.put("name", rs.getString("TABLE_NAME"));
                table.put("type", type);
                tables.add(table);
            }
        }
        return tables;
    }

    private Object describeTable(String tableName, @Nullable String requestedSchema) {
        HikariDataSource ds = dataSource;
        if (ds == null) {
            return notStarted();
        }
        try (Connection connection = ds.getConnection()) {
            try {
                DatabaseMetaData meta = connection.getMetaData();
                String schema = requestedSchema != null ? requestedSchema : connection.getSchema();
                List<Map<String, Object>> columns = columns(meta, schema, tableName);
                if (columns.isEmpty()) {
                    schema = schema == null ? null : normalise(meta, schema);
                    tableName = normalise(meta, tableName);
                    columns = columns(meta, schema, tableName);
                }
                if (columns.isEmpty()) {
                    return AgentResponse.failure("table_not_found", "No table or view '" + tableName + "'"
                            + (schema == null ? "" : " in schema '" + schema + "'"));
                }
                String actualSchema = (String) columns.get(0).remove("_schema");
                String actualName = (String) columns.get(0).remove("_table");
                columns.forEach(c -> {
                    c.remove("_schema");
                    c.remove("_table");
                });
                List<String> primaryKey = primaryKey(meta, actualSchema, actualName);
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("schema", actualSchema);
                result.put("table", actualName);
                result.put("columns", columns);
                result.put("primary_key", primaryKey);
                return result;
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            return failure(e);
        }
    }

    private static List<Map<String, Object>> columns(DatabaseMetaData meta, @Nullable String schema, String table)
            throws SQLException {
        List<Map<String, Object>> columns = new ArrayList<>();
        try (ResultSet rs = meta.getColumns(null, schema == null ? null : escape(meta, schema), escape(meta, table),
                "%")) {
            while (rs.next()) {
                Map<String, Object> column = new LinkedHashMap<>();
                column.put("_schema", rs.getString("TABLE_SCHEM"));
                column.put("_table", rs.getString("TABLE_NAME"));
                column.put("name", rs.getString("COLUMN_NAME"));
                column.put("type", rs.getString("TYPE_NAME"));
                int size = rs.getInt("COLUMN_SIZE");
                column.put("size", rs.wasNull() ? null : size);
                column.put("nullable", rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls);
                column.put("default", rs.getString("COLUMN_DEF"));
                column.put("position", rs.getInt("ORDINAL_POSITION"));
                columns.add(column);
            }
        }
        return columns;
    }

    private static List<String> primaryKey(DatabaseMetaData meta, @Nullable String schema, @Nullable String table)
            throws SQLException {
        List<Map.Entry<Integer, String>> keys = new ArrayList<>();
        try (ResultSet rs = meta.getPrimaryKeys(null, schema, table)) {
            while (rs.next()) {
                keys.add(Map.entry(rs.getInt("KEY_SEQ"), rs.getString("COLUMN_NAME")));
            }
        }
        keys.sort(Map.Entry.comparingByKey());
        return keys.stream().map(Map.Entry::getValue).toList();
    }

    private static String escape(DatabaseMetaData meta, String name) throws SQLException {
        String escape = meta.getSearchStringEscape();
        if (escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    /** How the database stores an unquoted identifier: H2 upper-cases, PostgreSQL lower-cases. */
    private static String normalise(DatabaseMetaData meta, String identifier) throws SQLException {
        if (meta.storesUpperCaseIdentifiers()) {
            return identifier.toUpperCase(Locale.ROOT);
        }
        if (meta.storesLowerCaseIdentifiers()) {
            return identifier.toLowerCase(Locale.ROOT);
        }
        return identifier;
    }

    // ---------------------------------------------------------------- health

    private Object dbHealth() {
        HikariDataSource ds = dataSource;
        if (ds == null) {
            return notStarted();
        }
        long start = System.nanoTime();
        Map<String, Object> result = new LinkedHashMap<>();
        try (Connection connection = ds.getConnection()) {
            boolean valid = connection.isValid((int) Math.max(1, connectionTimeout.toSeconds()));
            double latency = Math.round((System.nanoTime() - start) / 1e5) / 10.0;
            DatabaseMetaData meta = connection.getMetaData();
            result.put("status", valid ? "healthy" : "unhealthy");
            result.put("latency_ms", latency);
            result.put("product", meta.getDatabaseProductName());
            result.put("version", meta.getDatabaseProductVersion());
            result.put("driver", meta.getDriverName() + " " + meta.getDriverVersion());
            result.put("read_only_enforcement", enforcement(dialect(connection)));
        } catch (SQLException e) {
            result.put("status", "unhealthy");
            result.put("latency_ms", Math.round((System.nanoTime() - start) / 1e5) / 10.0);
            result.put("message", sanitize(e));
        }
        HikariPoolMXBean pool = ds.getHikariPoolMXBean();
        Map<String, Object> poolMap = new LinkedHashMap<>();
        if (pool != null) {
            poolMap.put("active", pool.getActiveConnections());
            poolMap.put("idle", pool.getIdleConnections());
            poolMap.put("total", pool.getTotalConnections());
            poolMap.put("waiting", pool.getThreadsAwaitingConnection());
        }
        poolMap.put("max", poolSize);
        result.put("pool", poolMap);
        return result;
    }

    private static String enforcement(Dialect d) {
        return switch (d) {
            case POSTGRESQL -> "lexical check + SET TRANSACTION READ ONLY + rollback";
            case H2 -> "lexical check + H2 parser read-only check + rollback";
            case OTHER -> "lexical check + read-only connection + rollback";
        };
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

    private static AgentResponse notStarted() {
        return AgentResponse.failure("database_unavailable", "The database agent is not started");
    }

    private static AgentResponse failure(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (e instanceof SQLTimeoutException || state.equals("57014")) {
            return AgentResponse.failure("query_timeout", "The query was cancelled: it exceeded its timeout");
        }
        if (state.equals("25006") || e.getErrorCode() == 90097) {
            return AgentResponse.failure("read_only_violation", "The database refused a write in a read-only "
                    + "transaction: " + sanitize(e));
        }
        if (e instanceof SQLTransientConnectionException || state.startsWith("08")) {
            LOG.warn("database unavailable: {}", e.getMessage());
            return AgentResponse.failure("database_unavailable", "The database is not reachable");
        }
        return AgentResponse.failure("sql_error", sanitize(e));
    }

    /** The database's message, first line only and bounded; it describes the caller's SQL, not our internals. */
    private static String sanitize(SQLException e) {
        String message = e.getMessage() == null ? "SQL error " + e.getSQLState() : e.getMessage();
        String line = message.lines().findFirst().orElse("").trim();
        return line.length() > MAX_ERROR_MESSAGE ? line.substring(0, MAX_ERROR_MESSAGE) + "..." : line;
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

        private Builder() {
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
