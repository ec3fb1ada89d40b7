package io.twisterlab.e2e;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything a test started (server JVMs, redis-server): closed in reverse order by {@link #closeAll()} from
 * {@code @AfterEach}/{@code @AfterAll}, and by a JVM shutdown hook if the test JVM itself is stopped, so no process
 * or port outlives the suite even when a test fails.
 */
final class Cleanup {
    private static final Deque<AutoCloseable> RESOURCES = new ArrayDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Cleanup::closeAll, "e2e-cleanup"));
    }

    private Cleanup() {
    }

    static synchronized <T extends AutoCloseable> T register(T resource) {
        RESOURCES.push(resource);
        return resource;
    }

    static synchronized void unregister(AutoCloseable resource) {
        RESOURCES.remove(resource);
    }

    /** Closes every registered resource, newest first; the first failure is rethrown after all are closed. */
    static void closeAll() {
        RuntimeException first = null;
        while (true) {
            AutoCloseable next;
            synchronized (Cleanup.class) {
                next = RESOURCES.poll();
            }
            if (next == null) {
                break;
            }
            try {
                next.close();
            } catch (Exception | AssertionError e) {
                if (first == null) {
                    first = new IllegalStateException("cleanup of " + next + " failed", e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
