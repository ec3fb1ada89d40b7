package io.twisterlab.ratelimit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.cluster.SlotHash;
import io.twisterlab.ratelimit.CoarseTicker;
import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.DecisionListener;
import io.twisterlab.ratelimit.FailurePolicy;
import io.twisterlab.ratelimit.FakeTicker;
import io.twisterlab.ratelimit.Limit;
import io.twisterlab.ratelimit.RateLimiter;
import io.twisterlab.ratelimit.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Redis store against a real redis-server, with the real Redis clock: round trips, keys, outages. */
class RedisStoreIT {

    private static final Limit PER_SECOND = Limit.of("per-second", 10, Duration.ofSeconds(1));
    private static final Limit HOURLY = Limit.of("hourly", 10, Duration.ofHours(1));
    private static final Limit DAILY = Limit.of("daily", 100, Duration.ofDays(1));

    private RedisServerProcess redis;
    private RedisClient adminClient;
    private StatefulRedisConnection<String, String> adminConnection;
    private RedisCommands<String, String> admin;

    @BeforeEach
    void start() {
        redis = RedisServerProcess.start();
        adminClient = RedisClient.create(redis.uri());
        adminConnection = adminClient.connect();
        admin = adminConnection.sync();
    }

    @AfterEach
    void stop() {
        adminConnection.close();
        adminClient.shutdown();
        redis.close();
    }

    @Test
    void everyDecisionIsExactlyOneEvalsha() {
        try (RedisStore store = store(FailurePolicy.FAIL_CLOSED).build()) {
            store.decide("warm-up", 1, HOURLY);
            admin.configResetstat();
            int decisions = 0;
            for (int i = 0; i < 30; i++) {
                assertThat(store.decide("one-" + (i % 3), 1, HOURLY).degraded()).isFalse();
                decisions++;
                assertThat(store.decide("multi-" + (i % 3), 1, List.of(HOURLY, DAILY, PER_SECOND)).degraded()).isFalse();
                decisions++;
            }
            // Commands run inside the script are counted too: one TIME per decision, one GET per key, and one
            // SET per key of an allowed decision. The only command a client sent is EVALSHA, once per decision.
            assertThat(commandCalls()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "evalsha", (long) decisions, "time", (long) decisions, "get", 120L, "set", 120L));
        }
    }

    @Test
    void concurrentDecisionsShareScriptCallsAndAreTakenInOrder() {
        try (RedisStore store = store(FailurePolicy.FAIL_CLOSED).build()) {
            store.decide("warm-up", 1, HOURLY);
            admin.configResetstat();
            admin.clientPause(1_000); // the first calls wait in Redis; every decision made meanwhile queues up
            List<CompletableFuture<Decision>> hot = new ArrayList<>();
            List<CompletableFuture<Decision>> multi = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                hot.add(store.decideAsync("hot", 1, List.of(HOURLY)).toCompletableFuture());
                if (i % 2 == 0) {
                    multi.add(store.decideAsync("multi", 1, List.of(DAILY, HOURLY)).toCompletableFuture());
                }
            }
            List<Decision> hotDecisions = hot.stream().map(CompletableFuture::join).toList();
            List<Decision> multiDecisions = multi.stream().map(CompletableFuture::join).toList();

            assertThat(hotDecisions).noneMatch(Decision::degraded);
            // in call order, as if sent one by one: the first ten are admitted with 9, 8, ... 0 left
            assertThat(hotDecisions.subList(0, 10)).allMatch(Decision::allowed)
                    .extracting(Decision::remaining).containsExactly(9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L, 0L);
            assertThat(hotDecisions.subList(10, 50)).noneMatch(Decision::allowed)
                    .allSatisfy(d -> assertThat(d.retryAfter()).isPositive());
            // two limits: the hourly one (10) decides, the daily one keeps its 100 minus the 10 admitted
            assertThat(multiDecisions.subList(0, 10)).allMatch(Decision::allowed);
            assertThat(multiDecisions.subList(10, 25)).noneMatch(Decision::allowed)
                    .allSatisfy(d -> assertThat(d.limit()).isEqualTo(HOURLY));
            assertThat(store.decide("multi", 0, DAILY).remaining()).isEqualTo(90);

            // 75 decisions: two calls sent at once, the rest carried by a few shared calls (64 decisions at most
            // each); one TIME per call; each key read and written once per call
            Map<String, Long> calls = commandCalls();
            assertThat(calls.get("evalsha")).isBetween(3L, 8L);
            assertThat(calls.get("time")).isEqualTo(calls.get("evalsha"));
            assertThat(calls.get("get")).isLessThan(3L * calls.get("evalsha"));
        }
    }

    @Test
    void withBatchSizeOneEveryDecisionIsItsOwnCall() {
        try (RedisStore store = store(FailurePolicy.FAIL_CLOSED).maxBatchSize(1).build()) {
            store.decide("warm-up", 1, HOURLY);
            admin.configResetstat();
            admin.clientPause(200);
            List<CompletableFuture<Decision>> hot = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                hot.add(store.decideAsync("hot", 1, List.of(HOURLY)).toCompletableFuture());
            }
            assertThat(hot.stream().map(CompletableFuture::join).filter(Decision::allowed)).hasSize(10);
            assertThat(commandCalls().get("evalsha")).isEqualTo(20);
        }
    }

    @Test
    void aCallerWhoGivesUpFreesTheSlotOfItsCall() {
        CircuitBreakerConfig neverOpens = CircuitBreakerConfig.custom().minimumNumberOfCalls(1_000).build();
        try (RedisStore store = store(FailurePolicy.FAIL_OPEN).timeout(Duration.ofMillis(100))
                .circuitBreaker(neverOpens).build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (store.decide("warm-up", 1, HOURLY).degraded() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
            admin.configResetstat();
            admin.clientPause(2_000);
            // Redis answers none of these while paused. If a timed-out call kept its slot, the third decision
            // would wait behind the first two calls and be skipped as given up: never sent.
            for (int i = 0; i < 5; i++) {
                assertThat(store.decide("paused-" + i, 1, HOURLY).degraded()).isTrue();
            }
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (commandCalls().getOrDefault("evalsha", 0L) < 5 && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            assertThat(commandCalls().get("evalsha")).isEqualTo(5);
            assertThat(store.decide("after", 1, HOURLY).degraded()).isFalse();
        }
    }

    @Test
    void aClosedInjectedConnectionFailsEveryQueuedDecisionIntoThePolicy() {
        RedisClient client = RedisClient.create(redis.uri());
        StatefulRedisConnection<String, String> connection = client.connect();
        try (RedisStore store = RedisStore.builder(connection).timeout(Duration.ofSeconds(5))
                .failurePolicy(FailurePolicy.FAIL_CLOSED).build()) {
            assertThat(store.decide("before", 1, HOURLY).degraded()).isFalse();
            admin.clientPause(500); // two calls hang, the rest queue behind them
            List<CompletableFuture<Decision>> queued = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                queued.add(store.decideAsync("queued-" + (i % 7), 1, List.of(HOURLY)).toCompletableFuture());
            }
            connection.close(); // every later call is refused at once, on the thread that sends it
            // every decision completes: from Redis if its call was answered, else denied by the policy
            assertThat(queued.stream().map(CompletableFuture::join).filter(Decision::degraded))
                    .isNotEmpty().noneMatch(Decision::allowed);
            Decision after = store.decide("after", 1, HOURLY);
            assertThat(after.degraded()).isTrue();
            assertThat(after.allowed()).as("fail-closed").isFalse();
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aScriptFlushMidRunIsAnsweredWithEval() {
        try (RedisStore store = store(FailurePolicy.FAIL_CLOSED).build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(store.decide("flush", 1, HOURLY).remaining()).isEqualTo(9 - i);
            }
            admin.scriptFlush();
            admin.configResetstat();
            for (int i = 0; i < 3; i++) {
                Decision d = store.decide("flush", 1, HOURLY);
                assertThat(d.degraded()).isFalse();
                assertThat(d.remaining()).isEqualTo(6 - i);
            }
            assertThat(commandCalls().get("eval")).isEqualTo(1);
            assertThat(store.degraded()).isFalse();
        }
    }

    @Test
    void aCoarseFallbackTickerRejectsATooFineLimitOnItsFirstDecision() {
        Limit tooFine = Limit.of(2_000, Duration.ofSeconds(1)); // 500 µs < 10 × 100 µs
        try (CoarseTicker clock = Ticker.coarse(Duration.ofNanos(100_000));
             RedisStore store = store(FailurePolicy.LOCAL_FALLBACK).ticker(clock).build()) {
            assertThatThrownBy(() -> store.decide("coarse", 1, tooFine))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("coarse ticker");
            assertThat(store.decide("coarse", 1, HOURLY).degraded()).isFalse();
        }
    }

    @Test
    void keysAreHashTaggedAndExpireWhenFull() {
        try (RedisStore store = store(FailurePolicy.FAIL_CLOSED).keyPrefix("app:").build()) {
            store.decide("203.0.113.5", 3, List.of(PER_SECOND, HOURLY));
            String k1 = store.key("203.0.113.5", PER_SECOND.id());
            String k2 = store.key("203.0.113.5", HOURLY.id());
            assertThat(k1).isEqualTo("app:{203.0.113.5}:per-second");
            assertThat(SlotHash.getSlot(k1)).isEqualTo(SlotHash.getSlot(k2));
            assertThat(admin.pttl(k1)).isBetween(1L, 300L);
            assertThat(admin.pttl(k2)).isBetween(300_000L, 1_080_000L);
            store.decide("peek-only", 0, HOURLY);
            store.decide("too-big", 11, HOURLY);
            assertThat(admin.exists(store.key("peek-only", HOURLY.id()), store.key("too-big", HOURLY.id()))).isZero();
        }
    }

    @Test
    void anInjectedConnectionIsSharedAndNotClosed() {
        try (RedisStore store = RedisStore.builder(adminConnection).failurePolicy(FailurePolicy.FAIL_CLOSED)
                .timeout(Duration.ofSeconds(5)).build()) {
            assertThat(store.decide("injected", 4, HOURLY).remaining()).isEqualTo(6);
        }
        assertThat(adminConnection.isOpen()).isTrue();
        assertThat(admin.ping()).isEqualTo("PONG");
    }

    @Test
    void instancesWithSkewedClocksAgree() {
        FakeTicker early = new FakeTicker(0);
        FakeTicker late = new FakeTicker(Duration.ofDays(3).toNanos());
        try (RedisStore a = store(FailurePolicy.FAIL_CLOSED).ticker(early).build();
             RedisStore b = store(FailurePolicy.FAIL_CLOSED).ticker(late).build()) {
            int admitted = 0;
            for (int i = 0; i < 20; i++) {
                Decision d = (i % 2 == 0 ? a : b).decide("shared", 1, HOURLY);
                assertThat(d.degraded()).isFalse();
                admitted += d.allowed() ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(10);
            Decision fromA = a.decide("shared", 0, HOURLY);
            Decision fromB = b.decide("shared", 0, HOURLY);
            assertThat(fromA.remaining()).isZero();
            assertThat(fromB.remaining()).isZero();
        }
    }

    @Test
    void aSlowRedisIsCutOffByTheTimeout() {
        Recorder events = new Recorder();
        try (RedisStore store = store(FailurePolicy.FAIL_OPEN).timeout(Duration.ofMillis(200)).listener(events).build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (store.decide("warm-up", 1, HOURLY).degraded() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
            }
            assertThat(store.degraded()).as("a healthy Redis answers within the timeout").isFalse();
            events.errors.clear();
            admin.clientPause(3_000); // synchronous: once OK, Redis holds every client's commands
            long start = System.nanoTime();
            Decision d = store.decide("slow", 1, HOURLY);
            long blockingMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(d.degraded()).isTrue();
            assertThat(d.allowed()).isTrue();
            assertThat(blockingMillis).as("the blocking decision waited at most about the timeout").isLessThan(1_500);
            // the asynchronous path has its own bound (no caller thread waits for it), still within the pause
            start = System.nanoTime();
            Decision async = store.decideAsync("slow", 1, List.of(HOURLY)).toCompletableFuture().join();
            long asyncMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(async.degraded()).isTrue();
            assertThat(asyncMillis).as("the asynchronous decision waited at most about the timeout").isLessThan(1_500);
            assertThat(events.errors).hasSizeGreaterThanOrEqualTo(2)
                    .allSatisfy(e -> assertThat(e).isInstanceOf(TimeoutException.class));
        }
    }

    @ParameterizedTest
    @EnumSource(FailurePolicy.class)
    void anOutageFollowsThePolicyOpensTheBreakerAndRecoversWithoutRestart(FailurePolicy policy) {
        MutableClock breakerClock = new MutableClock();
        Recorder events = new Recorder();
        CircuitBreakerConfig breaker = CircuitBreakerConfig.custom()
                .slidingWindowSize(4).minimumNumberOfCalls(4).failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofMinutes(1)).permittedNumberOfCallsInHalfOpenState(1)
                .clock(breakerClock).build();
        try (RedisStore store = store(policy).timeout(Duration.ofSeconds(2)).circuitBreaker(breaker)
                .localFallbackShare(0.5).listener(events).build();
             RateLimiter limiter = RateLimiter.builder(store).listener(events).build()) {
            Decision before = limiter.decide("victim", 1, HOURLY);
            assertThat(before.degraded()).isFalse();
            assertThat(before.remaining()).isEqualTo(9);

            redis.stop();
            for (int i = 0; i < 4; i++) {
                expectPolicy(policy, limiter.decide("victim", 1, HOURLY), i);
            }
            assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
            assertThat(limiter.degraded()).isTrue();
            assertThat(events.modes).containsExactly(true);
            int errors = events.errors.size();
            assertThat(errors).isBetween(3, 4);
            for (int i = 4; i < 7; i++) {
                expectPolicy(policy, limiter.decide("victim", 1, HOURLY), i);
            }
            assertThat(events.errors).as("an open breaker does not call Redis").hasSize(errors);
            assertThat(store.localFallbackTrackedKeys()).as("the local fallback tracks the subject only when it decides")
                    .isEqualTo(policy == FailurePolicy.LOCAL_FALLBACK ? 1 : 0);

            redis.restart();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Decision after = null;
            while (System.nanoTime() < deadline) {
                breakerClock.advance(Duration.ofMinutes(2));
                after = limiter.decide("victim", 1, HOURLY);
                if (!after.degraded()) {
                    break;
                }
                LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
            }
            assertThat(after).isNotNull();
            assertThat(after.degraded()).as("recovered within the deadline").isFalse();
            assertThat(after.remaining()).as("a restarted Redis is empty").isEqualTo(9);
            assertThat(store.degraded()).isFalse();
            assertThat(store.circuitBreaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
            assertThat(events.modes).containsExactly(true, false);
            assertThat(events.decisions.get()).isGreaterThanOrEqualTo(9);
        }
    }

    static void expectPolicy(FailurePolicy policy, Decision d, int degradedIndex) {
        assertThat(d.degraded()).isTrue();
        switch (policy) {
            case FAIL_OPEN -> assertThat(d.allowed()).isTrue();
            case FAIL_CLOSED -> {
                assertThat(d.allowed()).isFalse();
                assertThat(d.retryAfter()).isEqualTo(Duration.ofSeconds(1));
            }
            case LOCAL_FALLBACK -> {
                assertThat(d.quota()).as("half of the limit locally").isEqualTo(5);
                assertThat(d.allowed()).as("local decision %d", degradedIndex).isEqualTo(degradedIndex < 5);
            }
        }
    }

    private RedisStore.Builder store(FailurePolicy policy) {
        return RedisStore.builder(redis.uri()).timeout(Duration.ofSeconds(5)).failurePolicy(policy);
    }

    private Map<String, Long> commandCalls() {
        Map<String, Long> calls = new java.util.HashMap<>();
        for (String line : admin.info("commandstats").split("\r?\n")) {
            if (line.startsWith("cmdstat_")) {
                String command = line.substring(8, line.indexOf(':'));
                String stats = line.substring(line.indexOf(':') + 1);
                for (String kv : stats.split(",")) {
                    if (kv.startsWith("calls=")) {
                        calls.put(command, Long.parseLong(kv.substring(6)));
                    }
                }
            }
        }
        // the test's own commands: Redis 7 counts subcommands apart ("config|resetstat"), Redis 6 does not ("config")
        calls.keySet().removeIf(c -> c.equals("config") || c.startsWith("config|") || c.equals("info"));
        return calls;
    }

    /** Records listener events. */
    static final class Recorder implements DecisionListener {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<Boolean> modes = new CopyOnWriteArrayList<>();
        final AtomicLong decisions = new AtomicLong();

        @Override
        public void onDecision(String store, Decision decision, long storeNanos) {
            decisions.incrementAndGet();
        }

        @Override
        public void onStoreError(String store, Throwable error) {
            errors.add(error);
        }

        @Override
        public void onModeChange(String store, boolean degraded, String reason) {
            modes.add(degraded);
        }
    }

    /** A clock for the circuit breaker that tests move forward instead of sleeping. */
    static final class MutableClock extends Clock {
        private final AtomicLong millis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }
}
