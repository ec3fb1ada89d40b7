package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.ratelimit.redis.RedisServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A rollout or scale-up on the packaged jar with the rate-limit settings a user gets: {@code redis} store and
 * nothing else set (200 ms timeout, local-fallback at share 1.0, the default circuit breaker). Three fresh JVMs
 * share the machine's two cores, each waited for until ready, then 24 concurrent clients send 300 requests of one
 * subject round-robin with the limit {@code 50/1h}: exactly 50 are allowed, with no store error, no degraded
 * decision and no circuit-breaker transition — from the first request of each JVM's life. Repeated
 * {@value #REPETITIONS} times, each with new JVMs and a new Redis: a cold JVM is the case under test.
 */
class FreshInstancesDefaultsIT extends E2eBase {
    static final int REPETITIONS = 5;
    static final int INSTANCES = 3;
    static final int CLIENTS = 24;
    static final int REQUESTS = 300;
    static final int LIMIT = 50;

    @RepeatedTest(REPETITIONS)
    void freshInstancesWithDefaultSettingsAllowExactlyTheLimit(RepetitionInfo repetition) {
        RedisServerProcess redis = startRedis();
        ApiKeys client = ApiKeys.generate("client" + repetition.getCurrentRepetition(), "viewer");
        List<ServerProcess.Builder> builders = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            builders.add(redisLimitedServer(i, redis.uri(), LIMIT + "/1h", client.entry()));
        }
        List<ServerProcess> servers = startAll(builders);

        List<Outcome> outcomes = runConcurrently(CLIENTS, REQUESTS, i -> {
            ServerProcess s = servers.get(i % INSTANCES);
            long t0 = System.nanoTime();
            return Outcome.of(i % INSTANCES, t0, Http.get(s.uri("/api/v1/system/status"), Http.bearer(client.key())));
        });

        assertThat(outcomes).extracting(Outcome::status).containsOnly(200, 429);
        long allowed = outcomes.stream().filter(o -> o.status() == 200).count();
        double errors = 0;
        for (ServerProcess s : servers) {
            String metrics = Http.get(s.uri("/metrics"), Map.of()).body();
            errors += Http.metricSum(metrics, "twisterlab_ratelimit_store_errors_total");
            assertThat(Http.metric(metrics, "twisterlab_ratelimit_degraded")).as("degraded on " + s).isZero();
            assertThat(s.logText()).as("log of " + s).doesNotContain("circuit breaker").doesNotContain("degraded (");
        }
        System.out.printf("FreshInstancesDefaultsIT #%d: allowed %d of %d, store errors %.0f%n",
                repetition.getCurrentRepetition(), allowed, REQUESTS, errors);
        assertThat(errors).as("store errors against a healthy Redis (twisterlab_ratelimit_store_errors_total)").isZero();
        assertThat(allowed).as("allowed in total by %d fresh instances sharing one Redis", INSTANCES).isEqualTo(LIMIT);
    }
}
