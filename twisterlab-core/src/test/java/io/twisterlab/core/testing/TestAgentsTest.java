package io.twisterlab.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.AgentRegistry;
import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.CapabilityKind;
import io.twisterlab.core.ExecutionEvent;
import io.twisterlab.core.ExecutionOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the published test agents promise the tests of other modules. */
class TestAgentsTest {
    private final EchoAgent echo = new EchoAgent();
    private final SlowAgent slow = new SlowAgent();
    private final RecordingListener events = new RecordingListener();
    private final AgentRegistry registry = AgentRegistry.builder().register(echo).register(slow)
            .register(new RelayAgent()).listener(events).build();

    @AfterEach
    void close() {
        slow.release().countDown();
        registry.close();
    }

    @Test
    void echoDeclaresOneCapabilityPerOutcome() {
        assertThat(echo.capabilities()).extracting(c -> c.name() + ":" + c.kind()).containsExactly(
                "echo:QUERY", "numbers:QUERY", "reset:ACTION", "resets:QUERY", "fail:ACTION", "explode:QUERY");
        assertThat(registry.execute("echo", "numbers", Map.of()).data()).isEqualTo(List.of(1, 2, 3));
        assertThat(registry.execute("echo", "explode", Map.of()).error().message())
                .doesNotContain(EchoAgent.SECRET);
    }

    @Test
    void resetCountsItsRuns() {
        assertThat(registry.execute("echo", "reset", Map.of("reason", "test")).data())
                .isEqualTo(Map.of("reset", true, "resets", 1));
        registry.execute("relay", "relay", Map.of("agent", "echo", "capability", "reset"));
        assertThat(echo.resets()).isEqualTo(2);
        assertThat(registry.execute("echo", "resets", Map.of()).data()).isEqualTo(Map.of("resets", 2));
        assertThat(events.events()).filteredOn(e -> e.kind() == CapabilityKind.ACTION)
                .extracting(ExecutionEvent::argumentNames).containsExactly(List.of("reason"), List.of());
    }

    @Test
    void slowTimesOutAndBlockWaitsForRelease() throws Exception {
        assertThat(slow.capability("slow").orElseThrow().timeout()).contains(Duration.ofMillis(100));
        CompletableFuture<AgentResponse> blocked =
                CompletableFuture.supplyAsync(() -> registry.execute("slow", "block", Map.of()));
        assertThat(slow.entered().await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(blocked).isNotDone();
        slow.release().countDown();
        assertThat(blocked.get(30, TimeUnit.SECONDS).data()).isEqualTo(Map.of("released", true));
        assertThat(registry.execute("slow", "fast", Map.of()).success()).isTrue();
        assertThat(events.events()).extracting(ExecutionEvent::outcome)
                .containsExactly(ExecutionOutcome.SUCCESS, ExecutionOutcome.SUCCESS);
    }
}
