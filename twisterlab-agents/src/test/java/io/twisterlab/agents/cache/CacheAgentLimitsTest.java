package io.twisterlab.agents.cache;

import static io.twisterlab.agents.cache.CacheBehaviour.ok;
import static io.twisterlab.agents.cache.CacheBehaviour.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.twisterlab.core.AgentResponse;
import io.twisterlab.core.InvalidArgumentsException;
import io.twisterlab.core.JsonLimits;
import io.twisterlab.core.Violation;
import io.twisterlab.core.spi.ProviderContext;
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> details(CacheAgent agent) {
        return (Map<String, Object>) ok(agent, "cache_stats", Map.of()).get("details");
    }

    @Test
    void theMemoryBackendStaysWithinItsBytesWhateverIsStored() {
        long maxBytes = 8L * 1024 * 1024;
        CacheAgent small = CacheAgent.builder().backend(CacheBackend.inMemory(10_000, maxBytes)).build();
        String mebibyte = "x".repeat(1024 * 1024 - 2); // 1 MiB as JSON, with its quotes
        for (int i = 0; i < 200; i++) {
            ok(small, "cache_set", Map.of("key", "big:" + i, "value", mebibyte));
            assertThat((long) details(small).get("weighted_bytes")).isLessThanOrEqualTo(maxBytes);
        }
        Map<String, Object> stats = ok(small, "cache_stats", Map.of());
        assertThat((long) stats.get("key_count")).isBetween(1L, 4L);
        assertThat(details(small)).containsEntry("max_bytes", maxBytes).containsEntry("max_entries", 10_000L);
    }

    @Test
    void theEntryBoundStillHoldsForSmallEntries() {
        CacheAgent fewEntries = CacheAgent.builder().backend(CacheBackend.inMemory(5)).build();
        for (int i = 0; i < 50; i++) {
            ok(fewEntries, "cache_set", Map.of("key", "small:" + i, "value", i));
        }
        assertThat((long) ok(fewEntries, "cache_stats", Map.of()).get("key_count")).isLessThanOrEqualTo(5L);
    }

    @Test
    void anEntryLargerThanTheWholeCacheIsRefusedNotSilentlyDropped() {
        CacheAgent tiny = CacheAgent.builder().backend(CacheBackend.inMemory(10, 1024)).build();
        assertThat(run(tiny, "cache_set", Map.of("key", "k", "value", "x".repeat(1000))).errorCode())
                .contains("backend_error");
        assertThat(ok(tiny, "cache_get", Map.of("key", "k"))).containsEntry("found", false);
    }

    @Test
    void byDefaultTheMemoryBackendHoldsSixtyFourMebibytes() {
        CacheAgent byDefault = CacheAgent.builder().build();
        assertThat(details(byDefault)).containsEntry("max_bytes", 67_108_864L).containsEntry("max_entries", 10_000L);
        CacheAgent provided = (CacheAgent) new CacheAgentProvider().createAgents(ProviderContext.empty())
                .iterator().next();
        assertThat(details(provided)).containsEntry("max_bytes", 67_108_864L);
    }

    @Test
    void theProviderReadsAndChecksMaxBytes() {
        CacheAgent configured = (CacheAgent) new CacheAgentProvider().createAgents(ProviderContext.builder()
                .config("cache.max_bytes", "5000000").build()).iterator().next();
        assertThat(details(configured)).containsEntry("max_bytes", 5_000_000L);
        for (String bad : List.of("1000", "lots", "4294967296")) {
            ProviderContext context = ProviderContext.builder().config("cache.max_bytes", bad).build();
            assertThatThrownBy(() -> new CacheAgentProvider().createAgents(context))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cache.max_bytes");
        }
    }
}
