package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scenario 5: 110,000 distinct client addresses through a trusted proxy ({@code X-Forwarded-For} from 127.0.0.1)
 * against the memory store, in a JVM with {@code -Xmx96m}.
 *
 * <p>The server has no setting for the memory store's key cap and exposes no tracked-key count, so the test uses
 * the store's built-in cap (100,000 keys) and observes it from outside: with the limit {@code 1/1h} every address
 * that is still tracked is denied a second request, and an address that was evicted gets a fresh bucket. After the
 * flood the first addresses must have been evicted (the cap held) while the last ones are still tracked.
 */
class KeyFloodIT extends E2eBase {
    static final int ADDRESSES = 110_000;
    static final int KEY_CAP = 100_000; // MemoryStore.DEFAULT_MAX_KEYS: not configurable in the server

    private final ApiKeys viewer = ApiKeys.generate("viewer", "viewer");

    static String address(int i) {
        return "10." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
    }

    @Test
    void aFloodOfDistinctClientsStaysWithinTheKeyCapAndTheHeap() {
        ServerProcess s = server(0)
                .heap("96m")
                .env("TWISTERLAB_RATELIMIT_STORE", "memory")
                .env("TWISTERLAB_RATELIMIT_DEFAULT", "1/1h")
                .env("TWISTERLAB_TRUSTED_PROXIES", "127.0.0.1/32")
                .env("TWISTERLAB_API_KEYS", viewer.entry())
                .start().awaitReady();

        long t0 = System.nanoTime();
        // unauthenticated: limited per client IP before the 401, so every request creates a key
        List<Outcome> outcomes = runConcurrently(16, ADDRESSES, i -> {
            long start = System.nanoTime();
            return Outcome.of(i, start, Http.get(s.uri("/api/v1/agents"), Map.of("X-Forwarded-For",
                    "198.51.100.1, " + address(i))));
        });
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;

        Map<Integer, Long> statuses = outcomes.stream().collect(Collectors.groupingBy(Outcome::status, TreeMap::new,
                Collectors.counting()));
        assertThat(statuses).as("every new address gets its own fresh bucket (then 401 without a key)")
                .containsOnlyKeys(401);
        assertThat(s.isAlive()).as("alive after %d requests; %s", ADDRESSES, s.logTail()).isTrue();
        assertThat(Http.get(s.uri("/health"), Map.of()).statusCode()).isEqualTo(200);

        // still tracked: the newest addresses are denied a second request
        for (int i = ADDRESSES - 10; i < ADDRESSES; i++) {
            assertThat(Http.get(s.uri("/api/v1/agents"), Map.of("X-Forwarded-For", address(i))).statusCode())
                    .as("second request from recent %s", address(i)).isEqualTo(429);
        }
        // evicted to respect the cap: the oldest addresses start over
        long fresh = 0;
        for (int i = 0; i < 10; i++) {
            fresh += Http.get(s.uri("/api/v1/agents"), Map.of("X-Forwarded-For", address(i))).statusCode() == 401
                    ? 1 : 0;
        }
        assertThat(fresh).as("oldest addresses evicted once %d keys were tracked", KEY_CAP).isEqualTo(10);

        // service continues: an authenticated client is served
        assertThat(Http.get(s.uri("/api/v1/agents"), Http.bearer(viewer.key())).statusCode()).isEqualTo(200);
        String metrics = Http.get(s.uri("/metrics"), Map.of()).body();
        double heapUsed = metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\"}"))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no heap metric"));
        assertThat(heapUsed).as("heap used (bytes)").isLessThanOrEqualTo(96.0 * 1024 * 1024);
        assertThat(s.logText()).doesNotContain("OutOfMemoryError");
        System.out.printf("KeyFloodIT: %d addresses in %d s, heap used %.1f MiB%n", ADDRESSES, seconds,
                heapUsed / (1024 * 1024));
    }
}
