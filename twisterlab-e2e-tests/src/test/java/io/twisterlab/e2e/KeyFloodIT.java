package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Scenario 5: 110,000 distinct client addresses through a trusted proxy ({@code X-Forwarded-For} from 127.0.0.1)
 * against the memory store with its <em>default</em> key cap (100,000, not configured here), in a JVM with
 * {@code -Xmx128m} (a third of the heap the k8s manifest gives the server) and {@code -XX:+ExitOnOutOfMemoryError}.
 *
 * <p>The cap is checked twice: from inside, through the {@code twisterlab_ratelimit_tracked_keys} gauge sampled
 * during and after the flood and the tracked/max counts in {@code /api/v1/system/status}; and from outside: with
 * the limit {@code 1/1h} every address that is still tracked is denied a second request, and an address that was
 * evicted gets a fresh bucket. After the flood the first addresses must have been evicted while the last ones
 * are still tracked. The heap is measured after a full collection ({@code jcmd GC.run}), before and after the
 * flood: the live set with a full store stays well below {@code -Xmx}, and its growth per tracked key within a
 * budget, so a store that keeps more per client (or stops evicting) fails here before it fails in production.
 */
class KeyFloodIT extends E2eBase {
    static final int ADDRESSES = 110_000;
    /** The default of ratelimit.memory_max_keys: not configured, so a drift of the default is seen here. */
    static final int KEY_CAP = 100_000;
    static final long XMX = 128L << 20;
    /** What one tracked (limit, client) pair may cost in live heap: measured at 184 bytes, about half of it. */
    static final double BYTES_PER_KEY_BUDGET = 400;

    private final ApiKeys viewer = ApiKeys.generate("viewer", "viewer");
    private final ApiKeys ops = ApiKeys.generate("ops", "viewer"); // its one request (1/1h) reads the status

    static String address(int i) {
        return "10." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff);
    }

    @Test
    void aFloodOfDistinctClientsStaysWithinTheDefaultKeyCapAndTheHeap() {
        ServerProcess s = server(0)
                .heap((XMX >> 20) + "m")
                .env("TWISTERLAB_RATELIMIT_STORE", "memory")
                .env("TWISTERLAB_RATELIMIT_DEFAULT", "1/1h")
                .env("TWISTERLAB_TRUSTED_PROXIES", "127.0.0.1/32")
                .env("TWISTERLAB_API_KEYS", viewer.entry() + "," + ops.entry())
                .start().awaitReady();
        double heapBefore = heapAfterFullGc(s);

        // the gauge, sampled while the flood runs (/metrics is not rate limited)
        List<Double> samples = new CopyOnWriteArrayList<>();
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (flooding.get()) {
                samples.add(trackedKeys(s));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }, "tracked-keys-sampler");
        sampler.setDaemon(true);
        sampler.start();

        long t0 = System.nanoTime();
        List<Outcome> outcomes;
        try {
            // unauthenticated: limited per client IP before the 401, so every request creates a key
            outcomes = runConcurrently(16, ADDRESSES, i -> {
                long start = System.nanoTime();
                return Outcome.of(i, start, Http.get(s.uri("/api/v1/agents"), Map.of("X-Forwarded-For",
                        "198.51.100.1, " + address(i))));
            });
        } finally {
            flooding.set(false);
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        try {
            sampler.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        samples.add(trackedKeys(s));
        assertThat(samples).as("tracked keys sampled during and after the flood").hasSizeGreaterThan(2)
                .allMatch(v -> v <= KEY_CAP);
        assertThat(samples.get(samples.size() - 1)).as("the store is nearly full after more addresses than its cap")
                .isGreaterThan(KEY_CAP / 2.0);
        JsonNode rateLimit = Http.json(Http.get(s.uri("/api/v1/system/status"), Http.bearer(ops.key())))
                .path("rate_limit");
        assertThat(rateLimit.path("max_keys").asInt()).as("status: %s", rateLimit).isEqualTo(KEY_CAP);
        assertThat(rateLimit.path("tracked_keys").asInt()).as("status: %s", rateLimit).isBetween(1, KEY_CAP);

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
        double tracked = trackedKeys(s);
        double heapAfter = heapAfterFullGc(s);
        assertThat(s.isAlive()).as("alive after the heap was measured; %s", s.logTail()).isTrue();
        assertThat(s.logText()).doesNotContain("OutOfMemoryError");
        System.out.printf("KeyFloodIT: %d addresses in %d s, tracked keys at most %.0f (cap %d, %d samples), "
                + "live heap %.1f MiB before, %.1f MiB after (%.0f bytes per tracked key), -Xmx %d MiB%n",
                ADDRESSES, seconds, samples.stream().mapToDouble(Double::doubleValue).max().orElse(0), KEY_CAP,
                samples.size(), heapBefore / (1 << 20), heapAfter / (1 << 20), (heapAfter - heapBefore) / tracked,
                XMX >> 20);
        assertThat(heapAfter).as("live heap after a full GC with %.0f keys tracked (bytes), -Xmx %d MiB", tracked,
                XMX >> 20).isLessThanOrEqualTo(0.5 * XMX); // measured at 28 MiB
        assertThat((heapAfter - heapBefore) / tracked).as("live heap growth per tracked key (bytes)")
                .isLessThanOrEqualTo(BYTES_PER_KEY_BUDGET);
    }

    /** Heap used right after a full collection, i.e. the live set (the server runs with -XX:+UseSerialGC). */
    private static double heapAfterFullGc(ServerProcess s) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Process p = new ProcessBuilder(jcmd, Long.toString(s.process().pid()), "GC.run")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("jcmd GC.run").isTrue();
            assertThat(p.exitValue()).as("jcmd GC.run: %s", out).isZero();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        String metrics = Http.get(s.uri("/metrics"), Map.of()).body();
        return metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\"}"))
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no heap metric"));
    }

    private static double trackedKeys(ServerProcess s) {
        return Http.metric(Http.get(s.uri("/metrics"), Map.of()).body(), "twisterlab_ratelimit_tracked_keys");
    }
}
