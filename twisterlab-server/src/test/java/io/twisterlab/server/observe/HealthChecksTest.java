package io.twisterlab.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.AgentHealth;
import io.twisterlab.server.observe.HealthChecks.Phase;
import io.twisterlab.server.observe.HealthChecks.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The background checks on a virtual clock: nothing sleeps, the test decides when timers fire and checks run. */
class HealthChecksTest {
    private static final Duration PERIOD = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** A clock and a timer on virtual time; checks queue until the test runs (or never runs) them. */
    static final class ManualScheduler extends Clock implements HealthChecks.Scheduler {
        private record Timer(Instant due, long seq, Runnable task) {
        }

        private Instant now = Instant.parse("2026-01-01T00:00:00Z");
        private long seq;
        private final PriorityQueue<Timer> timers = new PriorityQueue<>(
                Comparator.comparing(Timer::due).thenComparingLong(Timer::seq));
        final Queue<Runnable> checks = new ArrayDeque<>();
        boolean closed;

        @Override
        public void schedule(Duration delay, Runnable task) {
            timers.add(new Timer(now.plus(delay), seq++, task));
        }

        @Override
        public void execute(Runnable check) {
            checks.add(check);
        }

        @Override
        public void close() {
            closed = true;
            timers.clear();
        }

        /** Moves time forward, firing every timer that falls due on the way. */
        void advance(Duration d) {
            Instant end = now.plus(d);
            while (!timers.isEmpty() && !timers.peek().due().isAfter(end)) {
                Timer t = timers.poll();
                now = t.due();
                t.task().run();
            }
            now = end;
        }

        /** Runs the checks queued so far (not those they queue). */
        void runChecks() {
            for (int n = checks.size(); n > 0; n--) {
                checks.remove().run();
            }
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final ManualScheduler s = new ManualScheduler();

    private HealthChecks checks(Map<String, Supplier<AgentHealth>> probes) {
        return new HealthChecks(() -> probes, PERIOD, TIMEOUT, s, s);
    }

    @Test
    void aCheckIsStartingUntilItAnswersAndItsResultRefreshesEveryPeriod() {
        AtomicReference<AgentHealth> db = new AtomicReference<>(AgentHealth.healthy("up"));
        HealthChecks hc = checks(Map.of("agent:db", db::get));
        hc.begin();
        assertThat(hc.phase()).isEqualTo(Phase.STARTING);
        assertThat(hc.results().get("agent:db").state()).isEqualTo(State.STARTING);
        assertThat(hc.results().get("agent:db").age(s.instant())).isNull();

        s.advance(Duration.ofMillis(300));
        s.runChecks();
        assertThat(hc.phase()).isEqualTo(Phase.RUNNING);
        HealthChecks.Result first = hc.results().get("agent:db");
        assertThat(first.state()).isEqualTo(State.HEALTHY);
        assertThat(first.message()).isEqualTo("up");
        s.advance(Duration.ofSeconds(4));
        assertThat(hc.results().get("agent:db").age(s.instant())).isEqualTo(Duration.ofSeconds(4));

        db.set(AgentHealth.unhealthy("connection refused"));
        s.advance(Duration.ofSeconds(6)); // the second round starts at 10 s
        s.runChecks();
        HealthChecks.Result second = hc.results().get("agent:db");
        assertThat(second.state()).isEqualTo(State.UNHEALTHY);
        assertThat(second.message()).isEqualTo("connection refused");
        assertThat(second.age(s.instant())).isZero();
        assertThat(hc.phase()).as("a failing check does not make the checks start again").isEqualTo(Phase.RUNNING);
    }

    @Test
    void aHangingCheckTimesOutIsReportedFailedWithItsAgeAndIsNeverRunTwiceAtOnce() {
        AtomicInteger runs = new AtomicInteger();
        Map<String, Supplier<AgentHealth>> probes = new LinkedHashMap<>();
        probes.put("agent:db", () -> {
            runs.incrementAndGet();
            return AgentHealth.healthy("finally");
        });
        probes.put("agent:echo", () -> AgentHealth.healthy("ok"));
        HealthChecks hc = checks(probes);
        hc.begin();
        Runnable hanging = s.checks.remove(); // agent:db's run: held, as if blocked on a dead database
        s.runChecks();
        assertThat(hc.phase()).as("the first round waits for the hanging check").isEqualTo(Phase.STARTING);

        s.advance(TIMEOUT);
        assertThat(hc.phase()).isEqualTo(Phase.RUNNING);
        HealthChecks.Result timedOut = hc.results().get("agent:db");
        assertThat(timedOut.state()).isEqualTo(State.UNHEALTHY);
        assertThat(timedOut.message()).isEqualTo("no answer within 2000 ms");
        assertThat(hc.results().get("agent:echo").state()).isEqualTo(State.HEALTHY);

        for (int round = 1; round <= 2; round++) { // rounds at 10 s and 20 s
            s.advance(round == 1 ? Duration.ofSeconds(8) : PERIOD);
            assertThat(s.checks).as("only agent:echo runs again while agent:db still runs").hasSize(1);
            s.runChecks();
        }
        s.advance(Duration.ofSeconds(7));
        assertThat(hc.results().get("agent:db").age(s.instant())).isEqualTo(Duration.ofSeconds(25));
        assertThat(hc.results().get("agent:echo").age(s.instant())).isEqualTo(Duration.ofSeconds(7));

        hanging.run(); // the late answer replaces the timeout
        assertThat(runs).hasValue(1);
        assertThat(hc.results().get("agent:db").state()).isEqualTo(State.HEALTHY);
        assertThat(hc.results().get("agent:db").age(s.instant())).isZero();
        s.advance(Duration.ofSeconds(3)); // round at 30 s: agent:db runs again
        s.runChecks();
        assertThat(runs).hasValue(2);
    }

    @Test
    void aCheckThatThrowsIsUnhealthyAndChecksFollowTheRegisteredSet() {
        Map<String, Supplier<AgentHealth>> probes = new LinkedHashMap<>();
        probes.put("agent:broken", () -> {
            throw new IllegalStateException("boom");
        });
        HealthChecks hc = new HealthChecks(() -> Map.copyOf(probes), PERIOD, TIMEOUT, s, s);
        hc.begin();
        s.runChecks();
        assertThat(hc.results().get("agent:broken").state()).isEqualTo(State.UNHEALTHY);
        assertThat(hc.results().get("agent:broken").message()).isEqualTo("health check failed: IllegalStateException");

        probes.remove("agent:broken");
        probes.put("agent:late", () -> AgentHealth.healthy("ok"));
        s.advance(PERIOD);
        assertThat(hc.results()).containsOnlyKeys("agent:late");
        assertThat(hc.results().get("agent:late").state()).isEqualTo(State.STARTING);
        assertThat(hc.phase()).as("an agent registered later does not restart the first round")
                .isEqualTo(Phase.RUNNING);
        s.runChecks();
        assertThat(hc.results().get("agent:late").state()).isEqualTo(State.HEALTHY);
    }

    @Test
    void closeStopsTheRoundsAndMeansDraining() {
        List<String> ran = new ArrayList<>();
        HealthChecks hc = checks(Map.of("agent:echo", () -> {
            ran.add("echo");
            return AgentHealth.healthy("ok");
        }));
        hc.begin();
        s.runChecks();
        hc.close();
        hc.close();
        assertThat(hc.phase()).isEqualTo(Phase.STOPPED);
        assertThat(s.closed).isTrue();
        s.advance(Duration.ofMinutes(1));
        s.runChecks();
        assertThat(ran).containsExactly("echo");
    }
}
