package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.twisterlab.ratelimit.redis.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Scenario 3: redis-server is killed (SIGKILL) while five instances serve traffic — two {@code fail-open}, one
 * {@code fail-closed}, two {@code local-fallback} at share 0.5 — then restarted, empty, on the same port.
 */
class RedisOutageIT extends E2eBase {
    static final int LIMIT = 20;
    /** The server's default {@code ratelimit.redis_timeout_ms}: the instances run with it, not an override. */
    static final long STORE_TIMEOUT_MS = 200;
    /** Allowance on top of the store timeout for a loaded 2-core machine running six JVMs and redis-server. */
    static final long SCHEDULING_MARGIN_MS = 2_700;
    static final Duration DEADLINE = Duration.ofSeconds(60);

    private final ApiKeys load = ApiKeys.generate("load", "viewer");
    private final ApiKeys probe = ApiKeys.generate("probe", "viewer");
    private final ApiKeys local = ApiKeys.generate("local", "viewer");
    private final ApiKeys after = ApiKeys.generate("after", "viewer");

    record Instance(ServerProcess server, String policy) {
    }

    record Sample(Instance instance, long startNanos, Outcome outcome) {
    }

    @Test
    @SuppressWarnings("FutureReturnValueIgnored") // each loader records every outcome, errors too, as a sample
    void failurePoliciesApplyDuringTheOutageAndEveryInstanceRecoversWithoutRestart() throws Exception {
        RedisServerProcess redis = startRedis();
        List<String> policies = List.of("fail-open", "fail-open", "fail-closed", "local-fallback", "local-fallback");
        List<ServerProcess.Builder> builders = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            builders.add(redisLimitedServer(i, redis.uri(), LIMIT + "/1h", ApiKeys.config(load, probe, local, after))
                    .env("TWISTERLAB_RATELIMIT_FAILURE_POLICY", policies.get(i)) // the subject of the test
                    // overridden because the test checks that the local fallback enforces its share (10 of 20)
                    .env("TWISTERLAB_RATELIMIT_FALLBACK_SHARE", "0.5"));
        }
        List<ServerProcess> servers = startAll(builders);
        List<Instance> instances = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            instances.add(new Instance(servers.get(i), policies.get(i)));
        }

        // steady load from one subject, round-robin over every instance, for the whole outage
        ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger next = new AtomicInteger();
        ExecutorService loaders = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            loaders.submit(() -> {
                while (running.get()) {
                    Instance in = instances.get(Math.floorMod(next.getAndIncrement(), instances.size()));
                    long t0 = System.nanoTime();
                    try {
                        samples.add(new Sample(in, t0, Outcome.of(0, t0,
                                Http.get(in.server().uri("/api/v1/system/status"), Http.bearer(load.key())))));
                    } catch (RuntimeException e) {
                        samples.add(new Sample(in, t0, new Outcome(0, -1, System.nanoTime() - t0, null,
                                e.toString(), "")));
                    }
                    LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
                }
                return null;
            });
        }
        try {
            await("load before the outage", () -> samples.size() >= 50);

            long killedAt = System.nanoTime();
            redis.stop();

            await("every instance reports degraded in /ready", () -> instances.stream()
                    .allMatch(in -> readyStatus(in.server()).equals("degraded")));
            long degradedAt = System.nanoTime();
            await("load during the outage", () -> samples.stream().filter(s -> s.startNanos() > degradedAt).count()
                    >= 100);

            for (Instance in : instances) {
                String metrics = Http.get(in.server().uri("/metrics"), Map.of()).body();
                assertThat(Http.metric(metrics, "twisterlab_ratelimit_degraded")).as("degraded gauge of " + in)
                        .isEqualTo(1.0);
                assertThat(Http.metric(metrics, "twisterlab_ratelimit_store_errors_total"))
                        .as("store errors of " + in).isPositive();
                if (!in.policy().equals("fail-closed")) {
                    var status = Http.json(Http.get(in.server().uri("/api/v1/system/status"),
                            Http.bearer(probe.key())));
                    assertThat(status.path("rate_limit").path("mode").asText()).as("status of " + in)
                            .isEqualTo("degraded");
                }
            }

            // local-fallback: each instance enforces its own share (20 * 0.5 = 10) for a subject new to it
            for (Instance in : instances) {
                if (in.policy().equals("local-fallback")) {
                    long allowed = 0;
                    for (int i = 0; i < 15; i++) {
                        int s = Http.get(in.server().uri("/api/v1/system/status"), Http.bearer(local.key()))
                                .statusCode();
                        assertThat(s).isIn(200, 429);
                        allowed += s == 200 ? 1 : 0;
                    }
                    assertThat(allowed).as("local fallback of " + in).isEqualTo(LIMIT / 2);
                }
            }

            long restartedAt = System.nanoTime();
            redis.restart();
            await("every instance recovers (ready, not degraded) without restart", () -> instances.stream()
                    .allMatch(in -> readyStatus(in.server()).equals("ready")));
            running.set(false);
            loaders.shutdown();
            assertThat(loaders.awaitTermination(60, TimeUnit.SECONDS)).isTrue();

            List<Sample> all = new ArrayList<>(samples);
            assertThat(all).as("no transport errors").allSatisfy(s -> assertThat(s.outcome().status())
                    .as(s.outcome().body()).isPositive());
            assertThat(all).as("never a 5xx other than fail-closed's 503").allSatisfy(s ->
                    assertThat(s.outcome().status()).isIn(200, 429, 503));
            assertThat(all).as("503 only from fail-closed").filteredOn(s -> s.outcome().status() == 503)
                    .allSatisfy(s -> assertThat(s.instance().policy()).isEqualTo("fail-closed"));

            Predicate<Sample> duringOutage = s -> s.startNanos() > degradedAt && s.startNanos() < restartedAt;
            List<Sample> outage = all.stream().filter(duringOutage).toList();
            assertThat(outage).filteredOn(s -> s.instance().policy().equals("fail-open"))
                    .as("fail-open allows everything during the outage").isNotEmpty()
                    .allSatisfy(s -> assertThat(s.outcome().status()).isEqualTo(200));
            assertThat(outage).filteredOn(s -> s.instance().policy().equals("fail-closed"))
                    .as("fail-closed refuses with a problem during the outage").isNotEmpty()
                    .allSatisfy(s -> {
                        assertThat(s.outcome().status()).isIn(429, 503);
                        assertThat(s.outcome().contentType()).startsWith("application/problem+json");
                    });
            assertThat(outage).filteredOn(s -> s.instance().policy().equals("local-fallback"))
                    .as("local-fallback decides locally during the outage").isNotEmpty()
                    .allSatisfy(s -> assertThat(s.outcome().status()).isIn(200, 429));

            long timeoutBound = STORE_TIMEOUT_MS + SCHEDULING_MARGIN_MS;
            long max = all.stream().filter(s -> s.startNanos() > killedAt).mapToLong(s -> s.outcome().millis())
                    .max().orElseThrow();
            assertThat(max).as("slowest request after the kill (ms), store timeout %d ms", STORE_TIMEOUT_MS)
                    .isLessThanOrEqualTo(timeoutBound);
            long[] outageLatencies = outage.stream().mapToLong(s -> s.outcome().millis()).sorted().toArray();
            long median = outageLatencies[outageLatencies.length / 2];
            assertThat(median).as("median latency during the outage (ms): decisions do not wait for Redis")
                    .isLessThan(STORE_TIMEOUT_MS);

            // recovered: one shared limit again for a subject none of them has seen
            long allowed = 0;
            for (int i = 0; i < 2 * LIMIT; i++) {
                Instance in = instances.get(i % instances.size());
                int s = Http.get(in.server().uri("/api/v1/system/status"), Http.bearer(after.key())).statusCode();
                assertThat(s).isIn(200, 429);
                allowed += s == 200 ? 1 : 0;
            }
            assertThat(allowed).as("allowed across all instances after Redis came back").isEqualTo(LIMIT);
            for (Instance in : instances) {
                String metrics = Http.get(in.server().uri("/metrics"), Map.of()).body();
                assertThat(Http.metric(metrics, "twisterlab_ratelimit_degraded")).as("gauge of " + in).isZero();
            }
            System.out.printf("RedisOutageIT: %d requests, slowest after the kill %d ms, outage median %d ms%n",
                    all.size(), max, median);
        } finally {
            running.set(false);
            loaders.shutdownNow();
        }
    }

    /**
     * A hung Redis (SIGSTOP: connections stay open, nothing answers) is the case the store timeout exists for: each
     * request waits at most the timeout until the circuit breaker opens, then decisions stop waiting altogether.
     */
    @Test
    void aHungRedisCostsAtMostTheStoreTimeoutThenTheBreakerMakesItFast() throws Exception {
        RedisServerProcess redis = startRedis();
        List<ServerProcess.Builder> builders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            builders.add(redisLimitedServer(i, redis.uri(), "100000/1h", load.entry())
                    // fail-open: every request answers 200, so the test measures how long each one waited
                    .env("TWISTERLAB_RATELIMIT_FAILURE_POLICY", "fail-open"));
        }
        List<ServerProcess> servers = startAll(builders);
        for (int i = 0; i < 20; i++) {
            assertThat(status(servers.get(i % 2))).isEqualTo(200);
        }
        // redis-server rewrites its argv (process title), so find it by executable — which may be a symlink target
        // such as Debian's /usr/bin/redis-check-rdb; this test started only one Redis
        List<ProcessHandle> redisProcesses = ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.substring(c.lastIndexOf('/') + 1)).orElse("")
                        .startsWith("redis-")).toList();
        assertThat(redisProcesses).as("the redis-server this test started").hasSize(1);
        ProcessHandle redisProcess = redisProcesses.get(0);
        List<Long> latencies = new ArrayList<>();
        signal("STOP", redisProcess);
        try {
            for (int i = 0; i < 80; i++) {
                long t0 = System.nanoTime();
                assertThat(status(servers.get(i % 2))).as("fail-open while Redis hangs").isEqualTo(200);
                latencies.add((System.nanoTime() - t0) / 1_000_000);
            }
            for (ServerProcess s : servers) {
                assertThat(readyStatus(s)).isEqualTo("degraded");
            }
        } finally {
            signal("CONT", redisProcess);
        }
        long max = latencies.stream().mapToLong(Long::longValue).max().orElseThrow();
        long waited = latencies.stream().filter(l -> l >= STORE_TIMEOUT_MS * 8 / 10).count();
        List<Long> last = latencies.subList(latencies.size() - 30, latencies.size()).stream().sorted().toList();
        System.out.printf("RedisOutageIT (hung): max %d ms, %d requests waited ~the timeout, last-30 median %d ms%n",
                max, waited, last.get(15));
        assertThat(max).as("slowest request while Redis hangs (ms), store timeout %d ms", STORE_TIMEOUT_MS)
                .isLessThanOrEqualTo(STORE_TIMEOUT_MS + SCHEDULING_MARGIN_MS);
        assertThat(waited).as("requests that waited for the timeout before the breaker opened").isPositive()
                .isLessThan(40);
        assertThat(last.get(15)).as("median of the last 30 requests (ms): the breaker is open, no waiting")
                .isLessThan(STORE_TIMEOUT_MS / 2);

        await("both instances recover once Redis answers again", () -> servers.stream()
                .allMatch(s -> status(s) == 200 && readyStatus(s).equals("ready")));
    }

    private int status(ServerProcess s) {
        return Http.get(s.uri("/api/v1/system/status"), Http.bearer(load.key())).statusCode();
    }

    private static void signal(String signal, ProcessHandle process) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %d", signal, process.pid()).isZero();
    }

    private static String readyStatus(ServerProcess server) {
        var r = Http.get(server.uri("/ready"), Map.of());
        return r.statusCode() == 200 ? Http.json(r).path("status").asText() : "http " + r.statusCode();
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        fail("timed out after " + DEADLINE + " waiting for: " + what);
    }
}
