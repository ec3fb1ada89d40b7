package io.twisterlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Smoke mode of the Redis harness against a real redis-server (started from PATH or embedded-redis): a fraction of a
 * second per scenario. Checks that every scenario runs and that our store makes exactly one round trip per decision;
 * never looks at throughput or latency.
 */
class RedisHarnessIT {

    @Test
    void everyScenarioRunsAndOursSendsAtMostOneCommandPerDecision() {
        List<RedisHarness.Result> results = RedisHarness.run(RedisHarness.Options.smoke());
        System.out.println(RedisReport.markdown(results));

        // 2 caller counts x 4 peers (spread keys), then 4 rows with 2 limits and 4 on a hot key
        assertThat(results).hasSize(4 * 2 + 4 + 4);
        assertThat(results).extracting(RedisHarness.Result::target).containsOnly("redis");
        assertThat(results).filteredOn(r -> !r.peer().startsWith("redis-benchmark"))
                .allSatisfy(r -> {
                    assertThat(r.decisions()).as(r.scenario() + " / " + r.peer()).isPositive();
                    assertThat(r.degraded()).as("degraded decisions").isZero();
                    assertThat(r.denied()).as("the limit is never reached").isZero();
                });
        // Commands are counted over a window while callers run, so a call in flight at either edge may fall on one
        // side: allow one per caller. Unbatched: one EVALSHA per decision, whatever the number of limits. Coalesced:
        // never more than one; exactly one with a single caller, who never finds a call to join.
        assertThat(results).filteredOn(r -> r.peer().equals("twisterlab unbatched")).allSatisfy(r ->
                assertThat(commands(r)).as(r.scenario()).isBetween(r.decisions() - (double) r.callers(),
                        r.decisions() + (double) r.callers()));
        assertThat(results).filteredOn(r -> r.peer().equals("twisterlab")).allSatisfy(r -> {
            assertThat(commands(r)).as(r.scenario()).isPositive().isLessThanOrEqualTo(r.decisions() + (double) r.callers());
            if (r.callers() == 1) {
                assertThat(commands(r)).as(r.scenario()).isBetween(r.decisions() - 1.0, r.decisions() + 1.0);
            }
        });
        // redis-benchmark rows are either measured or say clearly that the tool is missing.
        assertThat(results).filteredOn(r -> r.peer().startsWith("redis-benchmark"))
                .allSatisfy(r -> assertThat(r.measured() || r.note().contains("NOT FOUND")).isTrue());
    }

    /**
     * The same run on a single Redis and on a local 3-master cluster: on the cluster every peer runs without a store
     * error, our store sends exactly one script call per decision (no coalescing across slots), spread keys reach
     * every master and a hot key one master only; the report compares each peer with itself on the single Redis.
     */
    @Test
    void clusterTargetRunsNextToTheSingleRedisWithOneScriptCallPerDecisionOnEveryMaster() {
        RedisHarness.Options smoke = RedisHarness.Options.smoke();
        RedisHarness.Options options = new RedisHarness.Options(null, 0.2, 0.3, new int[] {8}, smoke.keys(),
                smoke.referenceCalibration(), null, List.of("twisterlab", "bucket4j", "reference"), 1, 1, 3);
        List<RedisHarness.Result> results = RedisHarness.run(options);
        String report = RedisReport.markdown(results);
        System.out.println(report);

        String cluster = "cluster, 3 masters";
        // per target: 3 peers x (spread keys, 2 limits, hot key)
        assertThat(results).extracting(RedisHarness.Result::target).containsExactly(
                "redis", "redis", "redis", "redis", "redis", "redis", "redis", "redis", "redis",
                cluster, cluster, cluster, cluster, cluster, cluster, cluster, cluster, cluster);
        List<RedisHarness.Result> onCluster = results.stream().filter(r -> r.target().equals(cluster)).toList();
        assertThat(onCluster).filteredOn(r -> !r.peer().startsWith("redis-benchmark")).allSatisfy(r -> {
            assertThat(r.decisions()).as(r.scenario() + " / " + r.peer()).isPositive();
            assertThat(r.degraded()).as("store errors").isZero();
            assertThat(r.denied()).as("the limit is never reached").isZero();
            assertThat(r.masterShares()).hasSize(3);
            if (r.scenario().startsWith("hot")) {
                assertThat(r.masterShares()).as("one hot key lives on one master").containsOnlyOnce(1.0);
            } else {
                assertThat(r.masterShares()).as("spread keys reach every master").allSatisfy(share ->
                        assertThat(share).isGreaterThan(0.1));
            }
        });
        assertThat(onCluster).filteredOn(r -> r.peer().equals("twisterlab")).allSatisfy(r -> {
            // counted client-side: the masters' INFO snapshots are taken one after another while callers run, so
            // the server-side counts have no exact window
            assertThat(commands(r)).as(r.scenario() + ": one EVALSHA per decision")
                    .isBetween(r.decisions() - (double) r.callers(), r.decisions() + (double) r.callers());
            assertThat(r.serverCallsPerDecision()).as(r.scenario()).containsOnlyKeys("evalsha", "get", "set", "time");
        });
        assertThat(onCluster).filteredOn(r -> r.peer().startsWith("redis-benchmark")).allSatisfy(r ->
                assertThat(r.measured() || r.note().contains("NOT FOUND") || r.scenario().startsWith("hot"))
                        .as(r.scenario() + ": " + r.note()).isTrue());
        assertThat(report).contains("the other target ÷ redis")
                .contains("| " + cluster + " | spread keys, 1 limit | 8 | twisterlab | ");
    }

    private static double commands(RedisHarness.Result r) {
        return r.clientCommandsPerDecision() * r.decisions();
    }
}
