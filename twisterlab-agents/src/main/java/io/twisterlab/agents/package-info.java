/**
 * The built-in TwisterLab agents, each in its own package and shipped through an
 * {@link io.twisterlab.core.spi.AgentProvider} that {@link java.util.ServiceLoader} discovers:
 * {@link io.twisterlab.agents.monitoring monitoring}, {@link io.twisterlab.agents.database database},
 * {@link io.twisterlab.agents.cache cache} and {@link io.twisterlab.agents.maestro maestro}.
 *
 * <pre>{@code
 * try (AgentRegistry registry = AgentRegistry.builder()
 *         .discover(ProviderContext.builder().config("cache.backend", "memory").build())
 *         .build()) {
 *     registry.start();
 *     registry.execute("monitoring", "get_jvm_metrics", Map.of());
 * }
 * }</pre>
 *
 * <p>Null policy: nothing is null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.agents;

import org.jspecify.annotations.NullMarked;
