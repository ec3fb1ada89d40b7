package io.twisterlab.agents.database;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels a running statement at its deadline with {@link Statement#cancel()}, to the millisecond, from one daemon
 * timer thread. JDBC's own {@link Statement#setQueryTimeout(int)} counts whole seconds and some drivers only check
 * it between rows; the watchdog makes a timeout stop the work on the database whatever the driver does.
 */
final class StatementWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatementWatchdog.class);
    private final ScheduledThreadPoolExecutor timer;

    StatementWatchdog() {
        timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "twisterlab-database-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /** Watches {@code statement} until the returned watch is closed; cancels it if that is later than the delay. */
    Watch watch(Statement statement, long delayNanos) {
        Watch watch = new Watch(statement);
        watch.future = timer.schedule(watch::fire, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return watch;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** One watched statement. */
    static final class Watch implements AutoCloseable {
        private final Statement statement;
        private final AtomicBoolean fired = new AtomicBoolean();
        private volatile @Nullable ScheduledFuture<?> future;

        private Watch(Statement statement) {
            this.statement = statement;
        }

        private void fire() {
            fired.set(true);
            try {
                statement.cancel();
            } catch (SQLException e) {
                LOG.debug("cancelling a timed-out statement failed: {}", e.getMessage());
            }
        }

        /** Whether the deadline passed and the statement was cancelled. */
        boolean fired() {
            return fired.get();
        }

        @Override
        public void close() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
