package io.twisterlab.agents.database;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The HikariCP pool {@code execute_query} and introspection run on: read-only connections, no auto-commit. */
final class QueryPool {
    private QueryPool() {
    }

    /** A pool that starts even if the database is down: db_health and health() report it, queries fail. */
    static HikariDataSource open(String url, @Nullable String username, @Nullable String password, int poolSize,
                                 Duration connectionTimeout) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("twisterlab-database");
        config.setJdbcUrl(url);
        config.setUsername(username);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(1, poolSize));
        config.setReadOnly(true);
        config.setAutoCommit(false);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** Active, idle, total and waiting connections (when the pool is up) and the maximum. */
    static Map<String, Object> stats(HikariDataSource ds, int poolSize) {
        HikariPoolMXBean pool = ds.getHikariPoolMXBean();
        Map<String, Object> stats = new LinkedHashMap<>();
        if (pool != null) {
            stats.put("active", pool.getActiveConnections());
            stats.put("idle", pool.getIdleConnections());
            stats.put("total", pool.getTotalConnections());
            stats.put("waiting", pool.getThreadsAwaitingConnection());
        }
        stats.put("max", poolSize);
        return stats;
    }

    /** Drops the pool's connections as they are returned, e.g. after the database was re-opened. */
    static void evictConnections(HikariDataSource ds) {
        HikariPoolMXBean pool = ds.getHikariPoolMXBean();
        if (pool != null) {
            pool.softEvictConnections();
        }
    }
}
