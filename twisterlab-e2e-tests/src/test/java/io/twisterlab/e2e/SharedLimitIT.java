package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.ratelimit.redis.RedisServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Scenarios 1 and 2: one client subject sends 300 requests, round-robin and concurrently, to 3 instances with the
 * limit {@code 50/1h} (no refill worth mentioning during the test). On one Redis they enforce one limit together —
 * whatever each JVM's time zone — while the memory store gives every instance its own budget.
 */
class SharedLimitIT extends E2eBase {
    static final int INSTANCES = 3;
    static final int REQUESTS = 300;
    static final int LIMIT = 50;
    static final String POLICY = LIMIT + "/1h";

    private final ApiKeys client = ApiKeys.generate("client", "viewer");

    private List<ServerProcess> start(Map<String, String> env, List<String> timeZones) {
        List<ServerProcess.Builder> builders = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            builders.add(server(i).env(env)
                    .env("TWISTERLAB_RATELIMIT_DEFAULT", POLICY)
                    .env("TWISTERLAB_API_KEYS", client.entry())
                    .jvmArg("-Duser.timezone=" + timeZones.get(i % timeZones.size())));
        }
        return startAll(builders);
    }

    private List<Outcome> hammer(List<ServerProcess> servers) {
        return runConcurrently(12, REQUESTS, i -> {
            ServerProcess s = servers.get(i % servers.size());
            long t0 = System.nanoTime();
            return Outcome.of(i % servers.size(), t0,
                    Http.get(s.uri("/api/v1/system/status"), Http.bearer(client.key())));
        });
    }

    private static Map<String, String> redisEnv(RedisServerProcess redis) {
        // the defaults a user gets (200 ms timeout, local-fallback at share 1.0): any store error or degraded
        // decision fails the assertions below
        return Map.of("TWISTERLAB_RATELIMIT_STORE", "redis", "TWISTERLAB_REDIS_URL", redis.uri());
    }

    @Test
    void threeInstancesOnOneRedisAllowExactlyTheLimitInTotal() {
        RedisServerProcess redis = startRedis();
        List<ServerProcess> servers = start(redisEnv(redis), List.of("UTC"));

        List<Outcome> outcomes = hammer(servers);

        assertSharedLimit(servers, outcomes);
    }

    /** Scenario 2: JVM clocks in different zones (UTC-12 to UTC+14); the limit is decided with Redis TIME. */
    @Test
    void instancesInDifferentTimeZonesStillShareExactlyTheLimit() {
        RedisServerProcess redis = startRedis();
        List<ServerProcess> servers = start(redisEnv(redis), List.of("Etc/GMT+12", "Pacific/Kiritimati", "Asia/Kolkata"));

        List<Outcome> outcomes = hammer(servers);

        assertSharedLimit(servers, outcomes);
    }

    @Test
    void memoryStoreLimitsEachInstanceOnItsOwn() {
        List<ServerProcess> servers = start(Map.of("TWISTERLAB_RATELIMIT_STORE", "memory"), List.of("UTC"));

        List<Outcome> outcomes = hammer(servers);

        long allowed = outcomes.stream().filter(o -> o.status() == 200).count();
        assertThat(allowed).as("per-instance budgets: more than the limit, at most one limit per instance")
                .isGreaterThan(LIMIT).isLessThanOrEqualTo((long) LIMIT * INSTANCES);
        // each instance got 100 requests and has its own 50
        for (int i = 0; i < INSTANCES; i++) {
            int instance = i;
            assertThat(outcomes.stream().filter(o -> o.index() == instance && o.status() == 200).count())
                    .as("allowed by instance %d", i).isEqualTo(LIMIT);
        }
        assertDenialsAreProper(outcomes);
    }

    private static void assertSharedLimit(List<ServerProcess> servers, List<Outcome> outcomes) {
        assertThat(outcomes).hasSize(REQUESTS);
        assertThat(outcomes).extracting(Outcome::status).containsOnly(200, 429);
        assertThat(outcomes.stream().filter(o -> o.status() == 200).count())
                .as("allowed in total across %d instances sharing one Redis", INSTANCES).isEqualTo(LIMIT);
        for (int i = 0; i < INSTANCES; i++) {
            int instance = i;
            assertThat(outcomes.stream().filter(o -> o.index() == instance && o.status() == 429).count())
                    .as("every instance enforces the shared limit (instance %d)", i).isPositive();
        }
        assertDenialsAreProper(outcomes);
        double allowed = 0;
        double denied = 0;
        for (ServerProcess s : servers) {
            String metrics = Http.get(s.uri("/metrics"), Map.of()).body();
            assertThat(Http.metric(metrics, "twisterlab_ratelimit_degraded")).as("degraded on " + s).isZero();
            assertThat(Http.metricSum(metrics, "twisterlab_ratelimit_store_errors_total")).as("store errors on " + s)
                    .isZero();
            allowed += Http.metricSum(metrics, "twisterlab_ratelimit_decisions_total", "outcome=\"allowed\"");
            denied += Http.metricSum(metrics, "twisterlab_ratelimit_decisions_total", "outcome=\"denied\"");
        }
        assertThat(allowed).as("allowed decisions counted by the instances' metrics").isEqualTo(LIMIT);
        assertThat(denied).as("denied decisions counted by the instances' metrics").isEqualTo(REQUESTS - LIMIT);
    }

    private static void assertDenialsAreProper(List<Outcome> outcomes) {
        for (Outcome o : outcomes) {
            assertThat(o.headers().firstValue("RateLimit")).as("RateLimit on a %d", o.status()).isPresent();
            assertThat(o.headers().firstValue("RateLimit-Policy")).as("RateLimit-Policy on a %d", o.status())
                    .hasValueSatisfying(v -> assertThat(v).contains("q=" + LIMIT));
            if (o.status() == 429) {
                assertThat(o.headers().firstValue("Retry-After")).as("Retry-After")
                        .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 3600L));
                assertThat(o.contentType()).startsWith("application/problem+json");
                assertThat(o.body()).contains("\"status\":429");
            }
        }
    }
}
