package io.twisterlab.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Argument names come from the caller: the event keeps them safe to log. */
class ExecutionEventTest {
    private static ExecutionEvent withNames(List<String> names) {
        return new ExecutionEvent("echo", "reset", CapabilityKind.ACTION, ExecutionContext.system(), Duration.ZERO,
                ExecutionOutcome.SUCCESS, null, names);
    }

    @Test
    void namesAreKeptToASafeAlphabetAndLength() {
        String longName = "n".repeat(100);
        assertThat(withNames(List.of("reason", "a.b-c_D9", "x y\n\u001b[31m", "ü\"}", longName)).argumentNames())
                .containsExactly("reason", "a.b-c_D9", "x?y???31m", "???", "n".repeat(64) + "...");
    }

    @Test
    void atMostFiftyNamesAreKeptInTheCallersOrder() {
        List<String> names = IntStream.range(0, 500).mapToObj(i -> "p" + i).toList();
        assertThat(withNames(names).argumentNames()).hasSize(ExecutionEvent.MAX_ARGUMENT_NAMES)
                .containsExactlyElementsOf(names.subList(0, 50));
    }

    @Test
    void sanitisingIsIdempotentAndTheListImmutable() {
        List<String> once = withNames(new ArrayList<>(Arrays.asList("x y", "z".repeat(70), null))).argumentNames();
        assertThat(withNames(once).argumentNames()).isEqualTo(once).containsExactly("x?y", "z".repeat(64) + "...",
                "null");
        assertThat(once).isUnmodifiable();
    }

    @Test
    void theSevenComponentConstructorRecordsNoNames() {
        ExecutionEvent event = new ExecutionEvent("echo", "echo", CapabilityKind.QUERY, ExecutionContext.system(),
                Duration.ofMillis(3), ExecutionOutcome.FAILURE, "nope");
        assertThat(event.argumentNames()).isEmpty();
        assertThat(event.findErrorCode()).contains("nope");
    }
}
