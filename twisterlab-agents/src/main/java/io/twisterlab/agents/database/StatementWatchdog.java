package io.twisterlab.agents.database;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels a running statement at its deadline with {@link Statement#cancel()}, to the millisecond, from one daemon
 * timer thread. JDBC's own {@link Statement#setQueryTimeout(int)} counts whole seconds and some drivers only check
 * it between rows; the watchdog makes a timeout stop the work on the database whatever the driver does. With a
 * {@link HeapGuard}, it also cancels statements when the heap runs low (for a database in this JVM).
 */
final class StatementWatchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatementWatchdog.class);
    private final ScheduledThreadPoolExecutor timer;
    private final @Nullable HeapGuard heapGuard;

    /** A watchdog that cancels at deadlines and, if {@code heapGuard} is given, under heap pressure. */
    StatementWatchdog(HeapGuard.@Nullable Settings heapGuard) {
        timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "twisterlab-database-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
        this.heapGuard = heapGuard == null ? null : new HeapGuard(timer, heapGuard);
    }

    /** Watches {@code statement} until the returned watch is closed; cancels it if that is later than the delay. */
    Watch watch(Statement statement, long delayNanos) {
        Watch watch = new Watch(statement);
        watch.future = timer.schedule(() -> watch.cancel(Reason.TIMEOUT), Math.max(0, delayNanos),
                TimeUnit.NANOSECONDS);
        HeapGuard guard = heapGuard;
        if (guard != null) {
            guard.add(watch);
            watch.guard = guard;
        }
        return watch;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    /** Why a watched statement was cancelled. */
    enum Reason {
        /** Its deadline passed. */
        TIMEOUT,
        /** The heap ran low while it ran. */
        MEMORY
    }

    /** One watched statement. */
    static final class Watch implements AutoCloseable {
        private final Statement statement;
        private final AtomicReference<@Nullable Reason> reason = new AtomicReference<>();
        private volatile @Nullable ScheduledFuture<?> future;
        private volatile @Nullable HeapGuard guard;

        private Watch(Statement statement) {
            this.statement = statement;
        }

        /** Cancels the statement, unless it was already cancelled for another reason. */
        void cancel(Reason why) {
            if (!reason.compareAndSet(null, why)) {
                return;
            }
            try {
                statement.cancel();
            } catch (SQLException e) {
                LOG.debug("cancelling a statement ({}) failed: {}", why, e.getMessage());
            }
        }

        /** Why the statement was cancelled, or null if it was not. */
        @Nullable Reason reason() {
            return reason.get();
        }

        @Override
        public void close() {
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            HeapGuard g = guard;
            if (g != null) {
                g.remove(this);
            }
        }
    }
}
