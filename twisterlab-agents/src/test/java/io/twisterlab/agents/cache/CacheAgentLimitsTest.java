package io.twisterlab.agents.cache;

import static io.twisterlab.agents.cache.CacheBehaviour.ok;
import static io.twisterlab.agents.cache.CacheBehaviour.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.InvalidArgumentsException;
import io.twisterlab.core.JsonLimits;
import io.twisterlab.core.Violation;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hostile values, patterns and volumes: each test asserts that the effect did not happen. */
@Timeout(10)
class CacheAgentLimitsTest {
    private final CacheBackend backend = CacheBackend.inMemory(10_000);
    private final CacheAgent agent = CacheAgent.builder().backend(backend).build();

    @AfterEach
    void stop() {
        agent.stop();
    }

    private static Object nested(int depth) {
        Object value = "leaf";
        for (int i = 0; i < depth; i++) {
            value = List.of(value);
        }
        return value;
    }

    @Test
    void valuesTooDeepToReadBackAreNeverStored() {
        for (int depth : new int[] {JsonLimits.MAX_DEPTH + 1, 600, 9_000}) {
            InvalidArgumentsException refused = catchThrowableOfType(InvalidArgumentsException.class,
                    () -> run(agent, "cache_set", Map.of("key", "deep", "value", nested(depth))));
            assertThat(refused.violations()).extracting(Violation::code).containsExactly(Violation.DEPTH);
        }
        assertThat(ok(agent, "cache_get", Map.of("key", "deep"))).containsEntry("found", false);
        assertThat(ok(agent, "cache_keys", Map.of())).containsEntry("count", 0);

        ok(agent, "cache_set", Map.of("key", "deepest", "value", nested(JsonLimits.MAX_DEPTH)));
        assertThat(ok(agent, "cache_get", Map.of("key", "deepest"))).containsEntry("value",
                nested(JsonLimits.MAX_DEPTH));
    }

    @Test
    void hugeNumbersAreNeverStoredAndBoundedOnesComeBackExactly() {
        InvalidArgumentsException refused = catchThrowableOfType(InvalidArgumentsException.class,
                () -> run(agent, "cache_set", Map.of("key", "n", "value", List.of(new BigDecimal("1e40000000")))));
        assertThat(refused.violations()).extracting(Violation::field, Violation::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("value[0]", Violation.NUMBER));
        assertThat(ok(agent, "cache_get", Map.of("key", "n"))).containsEntry("found", false);

        BigDecimal beyondDouble = new BigDecimal("1.5e999");
        ok(agent, "cache_set", Map.of("key", "n", "value", List.of(beyondDouble, new BigDecimal("0.1"))));
        assertThat(ok(agent, "cache_get", Map.of("key", "n"))).containsEntry("value",
                List.of(beyondDouble, new BigDecimal("0.1")));
    }

    @Test
    void storedValuesThatCannotBeReadBackAreAFailureNeverAnException() {
        String deep = "[".repeat(JsonLimits.MAX_DEPTH + 1) + "]".repeat(JsonLimits.MAX_DEPTH + 1);
        String veryDeep = "[".repeat(9_000) + "]".repeat(9_000);
        for (String foreign : List.of("not json", "{\"a\": 1", deep, veryDeep, "[1e40000000]", "1" + "0".repeat(500),
                "1 2")) {
            backend.set(agent.namespace() + "foreign", foreign, null);
            AgentResponse response = run(agent, "cache_get", Map.of("key", "foreign"));
            assertThat(response.success()).as(foreign.substring(0, Math.min(20, foreign.length()))).isFalse();
            assertThat(response.errorCode()).contains("undecodable_value");
        }
        assertThat(ok(agent, "cache_delete", Map.of("key", "foreign"))).containsEntry("deleted", true);
    }

    @Test
    void aBacktrackingPatternOverTenThousandKeysReturnsAndTooManyWildcardsAreRefused() {
        for (int i = 0; i < 10_000; i++) {
            backend.set(agent.namespace() + "k".repeat(40) + i, "1", null);
        }
        Map<String, Object> page = ok(agent, "cache_keys", Map.of("pattern", "*?".repeat(16) + "!"));
        assertThat(page).containsEntry("count", 0).containsEntry("truncated", false);

        AgentResponse refused = run(agent, "cache_keys", Map.of("pattern", "*?".repeat(17) + "!"));
        assertThat(refused.errorCode()).contains("invalid_pattern");
        assertThat(ok(agent, "cache_keys", Map.of("pattern", "k*1", "limit", 1000))).containsEntry("count", 1000);
    }
}
