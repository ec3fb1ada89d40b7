package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.ratelimit.redis.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Loading the instances' CPU must not buy a client more than its limit. Three fresh JVMs of the packaged jar with
 * the rate-limit settings a user gets ({@code redis} store and nothing else: 200 ms timeout, local-fallback at share
 * 1.0, the default circuit breaker) start and are waited for until ready; then busy-spinning processes (one per
 * core) and {@value #OTHER_CLIENTS} concurrent clients of {@value #OTHER_KEYS} other API keys, looping without pause,
 * saturate the cores, and meanwhile the limited client sends 300 requests from 24 concurrent clients, limit
 * {@code 50/1h}: the instances serve their first requests starved.
 *
 * <p>The contract (README, "Over-admission when Redis is slow or gone"): the cluster grants a subject at most
 * {@code L + N × max(1, ⌊share × L⌋)} per window under {@code local-fallback} — here 50 + 3 × 50 — and exactly
 * {@code L} when no decision was degraded (no store error, no breaker-open answer). Both are asserted; no speed is.
 * Plus the GCRA refill during the run (one permit per 72 s). Store errors are not asserted to be zero: here
 * {@code redis-server} shares the starved cores, so it really answers late (on this project's 2-core machine at
 * load ~30, 123 and 163 of the 300 decisions timed out and the client got 158 and 129, within the bound of 200;
 * with only this test's load, 50 with no store error, and 51 after one timeout).
 * With the defaults the bound is loose: the same run with {@code fail-open} got 197 (72 store errors), also within
 * it; the sharp assertion is exactness whenever no decision was degraded.
 */
class CpuStarvedLimitIT extends E2eBase {
    static final int REPETITIONS = 2;
    static final int INSTANCES = 3;
    static final int CLIENTS = 24;
    static final int REQUESTS = 300;
    static final int LIMIT = 50;
    static final Duration PERMIT_EVERY = Duration.ofHours(1).dividedBy(LIMIT);
    /** The server's default {@code ratelimit.fallback_share}. */
    static final double DEFAULT_FALLBACK_SHARE = 1.0;
    static final int OTHER_CLIENTS = 32;
    static final int OTHER_KEYS = 8;

    /** Clients of other keys that loop on the instances until stopped; what they got is kept for assertions. */
    private static final class OtherClients {
        private final ExecutorService pool = Executors.newFixedThreadPool(OTHER_CLIENTS);
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong answered = new AtomicLong();
        private final Queue<String> unexpected = new ConcurrentLinkedQueue<>();

        OtherClients(List<ServerProcess> servers, List<ApiKeys> keys) {
            for (int t = 0; t < OTHER_CLIENTS; t++) {
                int thread = t;
                pool.execute(() -> {
                    for (long n = thread; !stop.get(); n++) {
                        ServerProcess s = servers.get((int) (n % servers.size()));
                        ApiKeys key = keys.get((int) (n % keys.size()));
                        try {
                            int status = Http.get(s.uri("/api/v1/agents"), Http.bearer(key.key())).statusCode();
                            if (status != 200 && status != 429) {
                                unexpected.add(status + " from " + s);
                            }
                        } catch (RuntimeException e) {
                            if (!stop.get()) {
                                unexpected.add(e + " from " + s);
                            }
                        }
                        answered.incrementAndGet();
                    }
                });
            }
        }

        /** Waits until the load has answered {@code n} requests: it is running before the measured client starts. */
        void awaitAnswered(long n) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (answered.get() < n) {
                assertThat(System.nanoTime()).as("the other clients got %d answers in 2 min", answered.get())
                        .isLessThan(deadline);
                try {
                    TimeUnit.MILLISECONDS.sleep(20); // polling a counter with a deadline, not waiting for time
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }

        void close() {
            stop.set(true);
            pool.shutdown();
            try {
                assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).as("the other clients stopped").isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @RepeatedTest(REPETITIONS)
    void aLimitedClientGetsAtMostItsLimitWhileOtherClientsSaturateTheCpu(RepetitionInfo repetition) {
        RedisServerProcess redis = startRedis();
        ApiKeys limited = ApiKeys.generate("limited" + repetition.getCurrentRepetition(), "viewer");
        List<ApiKeys> others = new ArrayList<>();
        for (int i = 0; i < OTHER_KEYS; i++) {
            others.add(ApiKeys.generate("other" + i, "viewer"));
        }
        List<ApiKeys> all = new ArrayList<>(others);
        all.add(limited);
        List<ServerProcess.Builder> builders = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            builders.add(redisLimitedServer(i, redis.uri(), LIMIT + "/1h",
                    ApiKeys.config(all.toArray(ApiKeys[]::new))));
        }
        List<ServerProcess> servers = startAll(builders);
        // fresh instances (ready, no request served yet) on a node whose CPU is taken from now on
        int cores = Runtime.getRuntime().availableProcessors();
        CpuHog hog = Cleanup.register(CpuHog.start(cores));

        List<Outcome> outcomes;
        long elapsedNanos;
        long loadAnswered;
        OtherClients load = new OtherClients(servers, others);
        try {
            load.awaitAnswered(2L * OTHER_CLIENTS);
            long t0 = System.nanoTime();
            outcomes = runConcurrently(CLIENTS, REQUESTS, i -> {
                ServerProcess s = servers.get(i % INSTANCES);
                long start = System.nanoTime();
                return Outcome.of(i % INSTANCES, start,
                        Http.get(s.uri("/api/v1/system/status"), Http.bearer(limited.key())));
            });
            elapsedNanos = System.nanoTime() - t0;
            loadAnswered = load.answered.get();
            assertThat(hog.running()).as("spinners running throughout").isEqualTo(cores);
        } finally {
            load.close();
        }
        assertThat(load.unexpected).as("the other clients got only 200 and 429").isEmpty();

        assertThat(outcomes).extracting(Outcome::status).containsOnly(200, 429);
        long allowed = outcomes.stream().filter(o -> o.status() == 200).count();
        double errors = 0;
        boolean degraded = false;
        for (ServerProcess s : servers) {
            String metrics = Http.get(s.uri("/metrics"), Map.of()).body();
            errors += Http.metricSum(metrics, "twisterlab_ratelimit_store_errors_total");
            // breaker-open answers are degraded without being store errors: the log names every degraded spell
            degraded |= s.logText().contains("degraded (");
        }
        long refill = elapsedNanos / PERMIT_EVERY.toNanos();
        long bound = LIMIT + (long) INSTANCES * Math.max(1, (long) Math.floor(DEFAULT_FALLBACK_SHARE * LIMIT));
        System.out.printf("CpuStarvedLimitIT #%d: allowed %d of %d in %d ms, store errors %.0f, degraded %s,"
                        + " %d other requests answered, %d spinners on %d cores%n", repetition.getCurrentRepetition(),
                allowed, REQUESTS, elapsedNanos / 1_000_000, errors, degraded, loadAnswered, cores, cores);

        assertThat(allowed).as("allowed for one subject by %d instances while the CPU is saturated: at most the limit"
                + " plus the local-fallback bound", INSTANCES).isLessThanOrEqualTo(bound + (INSTANCES + 1) * refill);
        if (errors == 0 && !degraded) {
            assertThat(allowed).as("no decision was degraded: exactly the limit").isBetween((long) LIMIT,
                    LIMIT + refill);
        }
    }
}
