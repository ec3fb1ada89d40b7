/**
 * The {@code maestro} agent: classifies a task (rules, or an Ollama-compatible LLM with the rules as fallback),
 * plans steps over the agents that are really registered, runs them with the caller's authority, and executes
 * {@code @agent.capability(key=value)} commands.
 *
 * <pre>{@code
 * MaestroAgent maestro = MaestroAgent.builder()
 *         .ollama(new OllamaConfig(URI.create("http://localhost:11434"), "llama3.2", Duration.ofSeconds(30)))
 *         .build();
 * registry.register(maestro);
 * registry.execute("maestro", "orchestrate", Map.of("task", "database is slow in production"), callerContext);
 * }</pre>
 *
 * <p>Null policy: nothing is null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.agents.maestro;

import org.jspecify.annotations.NullMarked;
