package io.twisterlab.server.observe;

import io.twisterlab.core.AgentHealth;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health checks run in the background: every {@code period} each check runs on a thread of its own, bounded by
 * {@code timeout}; readers ({@code /ready}, {@code /api/v1/system/status}, metrics) get the last results at once and
 * never wait for a dependency.
 *
 * <ul>
 *   <li>A check that has not answered yet is {@link State#STARTING}.</li>
 *   <li>A check that does not answer within the timeout is recorded {@link State#UNHEALTHY} ("no answer within …")
 *       at that moment; it is not started again while it still runs (no overlapping runs), so its result ages
 *       until it returns, and a late answer replaces the timeout.</li>
 *   <li>The set of checks is read from {@code checks} at every round: agents registered later are picked up,
 *       removed ones dropped.</li>
 * </ul>
 *
 * <pre>{@code
 * HealthChecks checks = new HealthChecks(() -> Map.of("agent:db", db::health), HealthChecks.DEFAULT_PERIOD,
 *         HealthChecks.DEFAULT_TIMEOUT, HealthChecks.Scheduler.daemon(), Clock.systemUTC());
 * checks.start();                                   // first round, waited for at most the timeout
 * HealthChecks.Result db = checks.results().get("agent:db");
 * Duration age = db.age(Instant.now());
 * checks.close();                                   // phase STOPPED: the server is draining
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class HealthChecks implements AutoCloseable {
    /** How often every check runs. */
    public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(10);
    /** How long one run of a check may take before it counts as failed. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecks.class);

    private final Supplier<Map<String, Supplier<AgentHealth>>> checks;
    private final Duration period;
    private final Duration timeout;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Object lock = new Object();
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private Phase phase = Phase.NEW;

    /** The state of one check's last result. */
    public enum State {
        /** No run has finished yet. */
        STARTING,
        HEALTHY,
        /** The check answered: working, with limits (e.g. an optional backend is missing). */
        DEGRADED,
        /** The check failed, threw or did not answer within the timeout. */
        UNHEALTHY;

        /** Lower-case name as shown in JSON. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Where the checks are in their life: {@link #STARTING} until the first round has finished. */
    public enum Phase { NEW, STARTING, RUNNING, STOPPED }

    /**
     * One check's last result.
     *
     * @param state   its state
     * @param message what was found ({@code not checked yet} while starting)
     * @param details the facts the check reported (latency, counts; JSON-like), empty when it failed or timed out
     * @param at      when it was recorded; null while starting
     */
    public record Result(State state, String message, Map<String, Object> details, @Nullable Instant at) {
        /** The result of a check that has not answered yet. */
        public static final Result STARTING = new Result(State.STARTING, "not checked yet", null);

        public Result {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(message, "message");
            details = Map.copyOf(details);
            if ((state == State.STARTING) != (at == null)) {
                throw new IllegalArgumentException("a result has a time unless it is starting");
            }
        }

        /** A result without details. */
        public Result(State state, String message, @Nullable Instant at) {
            this(state, message, Map.of(), at);
        }

        /** How old the result is at {@code now}; null while starting. */
        public @Nullable Duration age(Instant now) {
            return at == null ? null : Duration.between(at, now);
        }

        /** {@link #age} in seconds with millisecond precision, as shown in JSON; null while starting. */
        public @Nullable Double ageSeconds(Instant now) {
            return at == null ? null : Duration.between(at, now).toMillis() / 1000.0;
        }
    }

    /**
     * Times and runs the checks. {@link #daemon()} in production; tests pass one that runs tasks on demand.
     */
    public interface Scheduler extends AutoCloseable {
        /** Runs {@code task} once after {@code delay} (short, must not block). */
        void schedule(Duration delay, Runnable task);

        /** Runs one check, which may block, on a thread of its own. */
        void execute(Runnable check);

        /** Stops timing and interrupts running checks. */
        @Override
        void close();

        /** One daemon timer thread, and daemon threads for the checks (at most one per check: runs never overlap). */
        static Scheduler daemon() {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemonThreads("timer"));
            ExecutorService runners = Executors.newCachedThreadPool(daemonThreads("check"));
            return new Scheduler() {
                @Override
                @SuppressWarnings("FutureReturnValueIgnored") // the task records its own outcome; nothing cancels it
                public void schedule(Duration delay, Runnable task) {
                    timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                }

                @Override
                public void execute(Runnable check) {
                    runners.execute(check);
                }

                @Override
                public void close() {
                    timer.shutdownNow();
                    runners.shutdownNow();
                }
            };
        }

        private static ThreadFactory daemonThreads(String role) {
            AtomicInteger n = new AtomicInteger();
            return r -> {
                Thread t = new Thread(r, "twisterlab-health-" + role + "-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
        }
    }

    /**
     * @param checks    the current checks by name; read at every round
     * @param period    time between the starts of two rounds
     * @param timeout   how long one run may take before it counts as failed
     * @param scheduler times the rounds and runs the checks; closed by {@link #close()}
     * @param clock     stamps the results
     */
    public HealthChecks(Supplier<Map<String, Supplier<AgentHealth>>> checks, Duration period, Duration timeout,
                        Scheduler scheduler, Clock clock) {
        this.checks = Objects.requireNonNull(checks, "checks");
        if (period.isNegative() || period.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("period and timeout must be positive");
        }
        this.period = period;
        this.timeout = timeout;
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Starts the first round and waits until every check has a result, which takes at most the timeout (a check
     * that hangs is recorded as failed then); later rounds follow every period.
     *
     * @throws IllegalStateException if already started
     */
    public void start() {
        begin();
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.MILLISECONDS.toNanos(500);
        synchronized (lock) {
            long left;
            while (phase == Phase.STARTING && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Starts the first round without waiting for it (tests drive the scheduler themselves). */
    void begin() {
        synchronized (lock) {
            if (phase != Phase.NEW) {
                throw new IllegalStateException("health checks already started");
            }
            phase = Phase.STARTING;
        }
        round();
    }

    /** The phase: {@link Phase#STARTING} until every check of the first round has a result. */
    public Phase phase() {
        synchronized (lock) {
            return phase;
        }
    }

    /** The last result of every current check, in registration order. */
    public Map<String, Result> results() {
        synchronized (lock) {
            Map<String, Result> out = new LinkedHashMap<>();
            slots.forEach((name, slot) -> out.put(name, slot.result));
            return Collections.unmodifiableMap(out);
        }
    }

    /** The clock that stamps the results (to compute their age). */
    public Clock clock() {
        return clock;
    }

    /** Stops the rounds and interrupts running checks; the phase becomes {@link Phase#STOPPED}. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (phase == Phase.STOPPED) {
                return;
            }
            phase = Phase.STOPPED;
            lock.notifyAll();
        }
        scheduler.close();
    }

    private void round() {
        try {
            Map<String, Supplier<AgentHealth>> current = checks.get();
            synchronized (lock) {
                if (phase == Phase.STOPPED) {
                    return;
                }
                slots.keySet().retainAll(current.keySet());
                current.forEach((name, probe) -> {
                    Slot slot = slots.computeIfAbsent(name, n -> new Slot());
                    if (!slot.running) {
                        slot.running = true;
                        launch(new Run(name, slot, ++slot.run, probe));
                    }
                });
                firstRoundDone();
            }
        } catch (RuntimeException e) {
            LOG.warn("health check round failed", e);
        } finally {
            synchronized (lock) {
                if (phase != Phase.STOPPED) {
                    scheduler.schedule(period, this::round);
                }
            }
        }
    }

    /** Called with {@code lock} held: the scheduler only queues, and cannot be closed meanwhile. */
    private void launch(Run run) {
        scheduler.schedule(timeout, () -> record(run, new Result(State.UNHEALTHY,
                "no answer within " + timeout.toMillis() + " ms", clock.instant()), false));
        scheduler.execute(() -> {
            Result result;
            try {
                AgentHealth health = run.probe.get();
                result = new Result(switch (health.status()) {
                    case HEALTHY -> State.HEALTHY;
                    case DEGRADED -> State.DEGRADED;
                    case UNHEALTHY -> State.UNHEALTHY;
                }, health.message(), health.details(), clock.instant());
            } catch (RuntimeException e) {
                LOG.warn("health check {} threw", run.name, e);
                result = new Result(State.UNHEALTHY, "health check failed: " + e.getClass().getSimpleName(),
                        clock.instant());
            }
            record(run, result, true);
        });
    }

    /** Records a run's answer ({@code finished}) or its timeout, whichever applies to the slot's current run. */
    private void record(Run run, Result result, boolean finished) {
        synchronized (lock) {
            if (run.slot.run != run.number || !run.slot.running) {
                return; // the timeout of a run that already answered
            }
            run.slot.result = result;
            if (finished) {
                run.slot.running = false;
            } else {
                LOG.warn("health check {} gave no answer within {} ms", run.name, timeout.toMillis());
            }
            firstRoundDone();
        }
    }

    private void firstRoundDone() {
        if (phase == Phase.STARTING && slots.values().stream().noneMatch(s -> s.result.state() == State.STARTING)) {
            phase = Phase.RUNNING;
            lock.notifyAll();
        }
    }

    /** One check's state; guarded by {@code lock}. */
    private static final class Slot {
        Result result = Result.STARTING;
        boolean running;
        long run;
    }

    private record Run(String name, Slot slot, long number, Supplier<AgentHealth> probe) {
    }
}
