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
    void everyScenarioRunsAndOursSendsOneCommandPerDecision() {
        List<RedisHarness.Result> results = RedisHarness.run(RedisHarness.Options.smoke());
        System.out.println(RedisHarness.markdown(results));

        assertThat(results).hasSize(3 * 2 + 3 + 3);
        assertThat(results).filteredOn(r -> !r.peer().startsWith("redis-benchmark"))
                .allSatisfy(r -> {
                    assertThat(r.decisions()).as(r.scenario() + " / " + r.peer()).isPositive();
                    assertThat(r.degraded()).as("degraded decisions").isZero();
                    assertThat(r.denied()).as("the limit is never reached").isZero();
                });
        // One EVALSHA per decision, whatever the number of limits. The count is taken over a window while callers
        // run, so a call in flight at either edge may fall on one side: allow one per caller.
        assertThat(results).filteredOn(r -> r.peer().equals("twisterlab")).allSatisfy(r -> {
            long slack = r.callers();
            double commands = r.clientCommandsPerDecision() * r.decisions();
            assertThat(commands).as(r.scenario()).isBetween((double) r.decisions() - slack, (double) r.decisions() + slack);
        });
        // redis-benchmark rows are either measured or say clearly that the tool is missing.
        assertThat(results).filteredOn(r -> r.peer().startsWith("redis-benchmark"))
                .allSatisfy(r -> assertThat(r.measured() || r.note().contains("NOT FOUND")).isTrue());
    }
}
