package io.twisterlab.core;

/**
 * Observes every execution the registry runs (duration, outcome, error code): the hook the server uses for
 * metrics and audit logs, so core does not depend on any metrics library. Called synchronously on the executing
 * thread; keep it cheap. An exception it throws is logged and ignored.
 *
 * <pre>{@code
 * AgentRegistry.builder().listener(e -> log.info("{}.{} {} in {}", e.agent(), e.capability(), e.outcome(), e.duration()));
 * }</pre>
 */
@FunctionalInterface
public interface ExecutionListener {
    void onExecution(ExecutionEvent event);
}
