/**
 * The {@code monitoring} agent: host metrics through OSHI, JVM metrics through the platform management beans,
 * threshold checks, top processes, and a health check of every registered agent and configured service.
 *
 * <pre>{@code
 * MonitoringAgent agent = MonitoringAgent.builder()
 *         .serviceCheck(ServiceCheck.http("llm", URI.create("http://localhost:11434/api/tags"), Duration.ofSeconds(2)))
 *         .build();
 * AgentResponse metrics = agent.execute(AgentCall.of("get_system_metrics", Map.of()));
 * }</pre>
 *
 * <p>Null policy: nothing is null unless annotated {@code @Nullable}.
 */
@NullMarked
package io.twisterlab.agents.monitoring;

import org.jspecify.annotations.NullMarked;
