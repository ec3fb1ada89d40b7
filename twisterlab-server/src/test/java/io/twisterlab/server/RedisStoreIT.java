package io.twisterlab.server;

import static io.twisterlab.server.Fixture.VIEWER;
import static io.twisterlab.server.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.twisterlab.ratelimit.redis.RedisServerProcess;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The redis store behind the server, and what a Redis outage looks like from outside, at start-up too. */
class RedisStoreIT {
    private static Map<String, String> settings(RedisServerProcess redis, String policy) {
        // the policy is what these tests are about; every other rate-limit setting is the default
        return Map.of("ratelimit.store", "redis", "redis.url", redis.uri(), "ratelimit.default", "3/1m",
                "ratelimit.failure_policy", policy);
    }

    /** The Redis of {@code k8s/} runs with {@code --requirepass}: the password goes in {@code redis.url}. */
    @ParameterizedTest
    @ValueSource(strings = {"right", "wrong", "missing"})
    void aPasswordProtectedRedisIsUsedOnlyWithItsPassword(String password) {
        String secret = "k8s-style-0123abcd";
        try (RedisServerProcess redis = RedisServerProcess.startWithPassword(secret)) {
            String url = switch (password) {
                case "right" -> redis.uri(secret);
                case "wrong" -> redis.uri("not-" + secret);
                default -> redis.uri();
            };
            try (Fixture f = new Fixture(Map.of("ratelimit.store", "redis", "redis.url", url,
                    "ratelimit.default", "3/1m"))) {
                for (int i = 0; i < 3; i++) {
                    assertThat(f.get("/api/v1/agents", "X-API-Key", VIEWER).statusCode()).isEqualTo(200);
                }
                // local-fallback at share 1.0 (the defaults) limits the same way: /ready tells them apart
                assertThat(f.get("/api/v1/agents", "X-API-Key", VIEWER).statusCode()).isEqualTo(429);
                String ready = f.get("/ready").body();
                assertThat(json(f.get("/ready")).path("status").asText())
                        .isEqualTo(password.equals("right") ? "ready" : "degraded");
                assertThat(ready).doesNotContain(secret);
                assertThat(f.get("/metrics").body()).contains(password.equals("right")
                        ? "twisterlab_ratelimit_degraded 0" : "twisterlab_ratelimit_degraded 1");
            }
        }
    }

    @Test
    void limitsThroughRedisAndReportsDegradedModeWhenItIsGone() {
        try (RedisServerProcess redis = RedisServerProcess.start();
             Fixture f = new Fixture(settings(redis, "fail-open"))) {
            for (int i = 0; i < 3; i++) {
                assertThat(f.get("/api/v1/agents", "X-API-Key", VIEWER).statusCode()).isEqualTo(200);
            }
            assertThat(f.get("/api/v1/agents", "X-API-Key", VIEWER).statusCode()).isEqualTo(429);
            assertThat(json(f.get("/ready")).path("status").asText()).isEqualTo("ready");
            assertThat(json(f.get("/ready")).path("checks").path("ratelimit").path("store").asText())
                    .isEqualTo("redis");

            redis.stop();
            // fail-open: the outage costs no availability, and it is visible
            HttpResponse<String> during = f.get("/api/v1/agents", "X-API-Key", VIEWER);
            assertThat(during.statusCode()).isEqualTo(200);
            JsonNode ready = json(f.get("/ready"));
            assertThat(f.get("/ready").statusCode()).isEqualTo(200);
            assertThat(ready.path("status").asText()).isEqualTo("degraded");
            assertThat(ready.path("checks").path("ratelimit").path("mode").asText()).isEqualTo("degraded");
            assertThat(json(f.get("/api/v1/system/status", "X-API-Key", VIEWER)).path("rate_limit").path("mode")
                    .asText()).isEqualTo("degraded");
            String metrics = f.get("/metrics").body();
            assertThat(metrics).contains("twisterlab_ratelimit_degraded 1",
                    "twisterlab_ratelimit_store_errors_total{store=\"redis\"}");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fail-open", "fail-closed", "local-fallback"})
    void startsWhileRedisIsDownWithTheStoreDegradedAndThePolicyDeciding(String policy) {
        try (RedisServerProcess redis = RedisServerProcess.reserve(); // nothing listens on its port yet
             Fixture f = new Fixture(settings(redis, policy))) {
            HttpResponse<String> ready = f.get("/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(json(ready).path("status").asText()).isEqualTo("degraded");
            assertThat(json(ready).path("checks").path("ratelimit").path("mode").asText()).isEqualTo("degraded");
            assertThat(f.get("/metrics").body()).contains("twisterlab_ratelimit_degraded 1",
                    "twisterlab_ratelimit_store_errors_total{store=\"redis\"}");
            if (!policy.equals("fail-closed")) { // fail-closed denies this API call too
                assertThat(json(f.get("/api/v1/system/status", "X-API-Key", VIEWER)).path("rate_limit").path("mode")
                        .asText()).isEqualTo("degraded");
            }
            int[] statuses = new int[5];
            for (int i = 0; i < statuses.length; i++) {
                HttpResponse<String> r = f.get("/api/v1/agents", "X-API-Key", VIEWER);
                statuses[i] = r.statusCode();
                if (r.statusCode() == 429) {
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                }
            }
            switch (policy) {
                case "fail-open" -> assertThat(statuses).containsOnly(200);
                case "fail-closed" -> assertThat(statuses).containsOnly(429);
                default -> assertThat(statuses).as("the local store enforces 3/1m (the status call was one)")
                        .containsExactly(200, 200, 429, 429, 429);
            }
            // the local fallback's keys are a gauge too: this client's (limit, client) pair, only when it decides
            assertThat(f.get("/metrics").body()).contains("twisterlab_ratelimit_tracked_keys "
                    + (policy.equals("local-fallback") ? "1.0" : "0.0"));
            assertThat(f.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void connectsWhenRedisComesUpAfterTheServer() {
        try (RedisServerProcess redis = RedisServerProcess.reserve();
             Fixture f = new Fixture(settings(redis, "fail-open"))) {
            assertThat(json(f.get("/ready")).path("status").asText()).isEqualTo("degraded");
            for (int i = 0; i < 5; i++) {
                assertThat(f.get("/api/v1/agents", "X-API-Key", VIEWER).statusCode()).isEqualTo(200);
            }

            redis.restart();
            // the store reconnects on the circuit breaker's next probe (its default wait is 5 s): poll, don't sleep
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String status = "degraded";
            while (System.nanoTime() < deadline) {
                f.get("/api/v1/agents", "X-API-Key", VIEWER); // a decision lets the probe through
                status = json(f.get("/ready")).path("status").asText();
                if (status.equals("ready")) {
                    break;
                }
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
            assertThat(status).as("/ready once Redis is up").isEqualTo("ready");
            assertThat(json(f.get("/ready")).path("checks").path("ratelimit").path("mode").asText()).isEqualTo("normal");
            assertThat(f.get("/metrics").body()).contains("twisterlab_ratelimit_degraded 0");
            // limiting is shared through Redis again: at most 3 per minute, so some of the next 4 are denied
            int denied = 0;
            for (int i = 0; i < 4; i++) {
                denied += f.get("/api/v1/agents", "X-API-Key", VIEWER).statusCode() == 429 ? 1 : 0;
            }
            assertThat(denied).isPositive();
        }
    }

    @Test
    void failClosedDeniesDuringAnOutage() {
        try (RedisServerProcess redis = RedisServerProcess.start();
             Fixture f = new Fixture(settings(redis, "fail-closed"))) {
            assertThat(f.get("/api/v1/agents", "X-API-Key", VIEWER).statusCode()).isEqualTo(200);
            redis.stop();
            HttpResponse<String> denied = f.get("/api/v1/agents", "X-API-Key", VIEWER);
            assertThat(denied.statusCode()).isEqualTo(429);
            assertThat(denied.headers().firstValue("Retry-After")).isPresent();
            assertThat(f.get("/health").statusCode()).isEqualTo(200);
        }
    }
}
