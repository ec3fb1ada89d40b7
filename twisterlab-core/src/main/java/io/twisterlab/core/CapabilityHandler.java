package io.twisterlab.core;

/**
 * The code behind a capability. Runs only after the arguments were validated.
 *
 * <p>Return JSON-like data (maps, lists, strings, numbers, booleans, null) for success, or an
 * {@link AgentResponse} built with {@link AgentResponse#failure(String, String)} for a domain failure. A handler
 * that throws becomes a failure with code {@code internal_error} and a generic message; the exception is logged,
 * never returned to the caller.
 *
 * <pre>{@code
 * CapabilityHandler handler = inv -> {
 *     String key = inv.arguments().getString("key");
 *     return store.containsKey(key) ? Map.of("key", key, "value", store.get(key))
 *                                   : AgentResponse.failure("not_found", "No key '" + key + "'");
 * };
 * }</pre>
 */
@FunctionalInterface
public interface CapabilityHandler {
    /**
     * Executes the capability.
     *
     * @return success data, or an {@link AgentResponse} (typically a failure)
     * @throws Exception on an unexpected error; reported to the caller as {@code internal_error}
     */
    Object handle(Invocation invocation) throws Exception;
}
