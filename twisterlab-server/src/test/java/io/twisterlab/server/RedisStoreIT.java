package io.twisterlab.server;

import static io.twisterlab.server.Fixture.VIEWER;
import static io.twisterlab.server.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.twisterlab.ratelimit.redis.RedisServerProcess;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The redis store behind the server, and what a Redis outage looks like from outside. */
class RedisStoreIT {
    private static Map<String, String> settings(RedisServerProcess redis, String policy) {
        return Map.of("ratelimit.store", "redis", "redis.url", redis.uri(), "ratelimit.default", "3/1m",
                "ratelimit.failure_policy", policy, "ratelimit.redis_timeout_ms", "500");
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
