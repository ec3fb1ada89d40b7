/**
 * Small agents and a listener for tests of code that runs agents: a registry, an HTTP route, an MCP endpoint.
 * Published in the {@code twisterlab-core} test-jar:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>io.twisterlab</groupId>
 *   <artifactId>twisterlab-core</artifactId>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * <pre>{@code
 * EchoAgent echo = new EchoAgent();
 * RecordingListener events = new RecordingListener();
 * AgentRegistry registry = AgentRegistry.builder().register(echo).register(new RelayAgent()).listener(events).build();
 * registry.execute("relay", "relay", Map.of("agent", "echo", "capability", "reset"));
 * assertThat(echo.resets()).isEqualTo(1);
 * }</pre>
 *
 * <p>Null policy: nothing in this package accepts or returns {@code null}.
 */
@NullMarked
package io.twisterlab.core.testing;

import org.jspecify.annotations.NullMarked;
