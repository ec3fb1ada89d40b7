package io.twisterlab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.ratelimit.redis.RedisClusterProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the packaged server on a real 3-master Redis Cluster ({@code redis-cluster://} seed list, every
 * other rate-limit setting at its default) share exact multi-limit budgets for 20 clients whose keys land on every
 * master.
 */
class ClusterSharedLimitIT extends E2eBase {
    static final int CLIENTS = 20;
    static final int REQUESTS_PER_CLIENT = 12;
    static final int LIMIT = 5;

    @Test
    void twoInstancesOnAThreeMasterClusterShareExactLimits() {
        RedisClusterProcess cluster = Cleanup.register(RedisClusterProcess.start(3));
        List<ApiKeys> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(ApiKeys.generate("client" + i, "viewer"));
        }
        List<ServerProcess.Builder> builders = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            builders.add(redisLimitedServer(i, cluster.seedUri(), LIMIT + "/1h,100/1d",
                    ApiKeys.config(clients.toArray(ApiKeys[]::new))));
        }
        List<ServerProcess> servers = startAll(builders);

        List<Outcome> outcomes = runConcurrently(12, CLIENTS * REQUESTS_PER_CLIENT, i -> {
            ServerProcess s = servers.get(i % 2);
            ApiKeys client = clients.get(i % CLIENTS);
            // index = the client, so that outcomes can be counted per client
            return Outcome.of(i % CLIENTS, System.nanoTime(),
                    Http.get(s.uri("/api/v1/system/status"), Http.bearer(client.key())));
        });

        assertThat(outcomes).extracting(Outcome::status).containsOnly(200, 429);
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            assertThat(outcomes.stream().filter(o -> o.index() == client && o.status() == 200).count())
                    .as("allowed for client %d across both instances", c).isEqualTo(LIMIT);
        }
        for (ServerProcess s : servers) {
            String metrics = Http.get(s.uri("/metrics"), Map.of()).body();
            assertThat(Http.metric(metrics, "twisterlab_ratelimit_degraded")).as("degraded on " + s).isZero();
            assertThat(Http.metricSum(metrics, "twisterlab_ratelimit_store_errors_total")).as("store errors on " + s)
                    .isZero();
        }
        for (int m = 0; m < 3; m++) {
            assertThat(cluster.node(m).dbsize()).as("keys on master %d", m).isPositive();
        }
    }
}
