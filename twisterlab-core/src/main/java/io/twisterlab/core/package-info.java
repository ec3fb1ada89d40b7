/**
 * The TwisterLab agent API.
 *
 * <p>An agent ({@link io.twisterlab.core.CoreAgent}) is a named unit of automation with typed, validated
 * {@link io.twisterlab.core.Capability capabilities}. Applications hold agents in an
 * {@link io.twisterlab.core.AgentRegistry} and execute capabilities through it:
 *
 * <pre>{@code
 * try (AgentRegistry registry = AgentRegistry.builder()
 *         .discover(ProviderContext.empty())   // every AgentProvider on the class path
 *         .build()) {
 *     registry.start();
 *     AgentResponse response = registry.execute("monitoring", "get_jvm_metrics", Map.of());
 * }
 * }</pre>
 *
 * <p>Null policy: nothing in this package accepts or returns {@code null} unless annotated
 * {@link org.jspecify.annotations.Nullable}; lookups return {@link java.util.Optional}.
 */
@NullMarked
package io.twisterlab.core;

import org.jspecify.annotations.NullMarked;
