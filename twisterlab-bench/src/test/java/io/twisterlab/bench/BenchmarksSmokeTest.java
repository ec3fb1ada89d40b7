package io.twisterlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Smoke mode: every JMH benchmark runs for one very short iteration, in this JVM, so that the benchmarks cannot rot.
 * Nothing here looks at the numbers.
 */
class BenchmarksSmokeTest {

    private static Options smoke(String include) {
        return new OptionsBuilder()
                .include(include)
                .forks(0)
                .threads(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .timeUnit(TimeUnit.NANOSECONDS)
                .param("subjects", "1000")
                .shouldFailOnError(true)
                .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT)
                .build();
    }

    @Test
    void everySingleKeyBenchmarkRuns() throws RunnerException {
        Collection<RunResult> results = new Runner(smoke(SingleKeyBenchmark.class.getName())).run();
        assertThat(results).extracting(r -> r.getParams().getBenchmark().replaceAll(".*\\.", ""))
                .containsExactlyInAnyOrder("baseline_nanoTime", "twisterlab_tryAcquire", "twisterlab_decide",
                        "bucket4j_tryConsumeAndReturnRemaining", "resilience4j_acquirePermission", "guava_tryAcquire",
                        "twisterlab_tryAcquire_coarseClock", "bucket4j_tryConsumeAndReturnRemaining_coarseClock");
    }

    @Test
    void everyKeyedBenchmarkRunsForBothDistributions() throws RunnerException {
        Collection<RunResult> results = new Runner(smoke(KeyedBenchmark.class.getName())).run();
        // 3 peers x 2 distributions, at 1,000 subjects
        assertThat(results).hasSize(6);
        assertThat(results).allSatisfy(r -> assertThat(r.getPrimaryResult().getSampleCount()).isPositive());
    }

    @Test
    void everyAnatomyBenchmarkRuns() throws RunnerException {
        assertThat(new Runner(smoke(MemoryStoreAnatomyBenchmark.class.getName())).run()).hasSize(7);
    }

    @Test
    void everyContendedCellBenchmarkRuns() throws RunnerException {
        assertThat(new Runner(smoke(ContendedCellBenchmark.class.getName())).run()).hasSize(3);
    }

    @Test
    void peersAllowInTheOpenRegimeAndDenyInTheExhaustedOne() {
        assertThat(Peers.bucket4j(Peers.Regime.OPEN).tryConsumeAndReturnRemaining(1).isConsumed()).isTrue();
        assertThat(Peers.resilience4j(Peers.Regime.OPEN).acquirePermission()).isTrue();
        assertThat(Peers.guava(Peers.Regime.OPEN).tryAcquire()).isTrue();
        var exhausted = Peers.bucket4j(Peers.Regime.EXHAUSTED);
        assertThat(exhausted.tryConsume(Peers.EXHAUSTED_RATE)).isTrue();
        assertThat(exhausted.tryConsume(1)).isFalse();
    }

    @Test
    void keySequencesAreDeterministicAndSkewed() {
        KeySequence a = KeySequence.of(1000, KeySequence.Distribution.ZIPF, 1 << 12, 42);
        KeySequence b = KeySequence.of(1000, KeySequence.Distribution.ZIPF, 1 << 12, 42);
        int hottest = 0;
        for (int i = 0; i < a.length(); i++) {
            assertThat(a.at(i)).isEqualTo(b.at(i));
            if (a.at(i).equals(a.subjects()[0])) {
                hottest++;
            }
        }
        // rank 1 of Zipf(1) over 1,000 subjects has probability 1/H(1000) ~ 13 %
        assertThat(hottest).isGreaterThan(a.length() / 20);
    }

    @Test
    void heapPerKeyMeasuresEveryPeer() {
        assertThat(HeapPerKey.measure(1000)).extracting(HeapPerKey.Row::peer).hasSize(3);
    }
}
