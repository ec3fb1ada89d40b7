package io.twisterlab.server;

import static io.twisterlab.server.Fixture.OPERATOR;
import static io.twisterlab.server.Fixture.VIEWER;
import static io.twisterlab.server.Fixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import io.twisterlab.core.testing.EchoAgent;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RateLimitIT {
    @TempDir
    Path dir;

    private static Map<String, String> limit(String spec) {
        return Map.of("ratelimit.default", spec);
    }

    @Test
    void exact429SequenceAndHeadersFor5PerMinute() {
        try (Fixture f = new Fixture(limit("5/1m"), new EchoAgent())) {
            for (int i = 1; i <= 5; i++) {
                HttpResponse<String> r = f.execute(VIEWER, "echo", "echo", "{\"text\":\"a\"}");
                assertThat(r.statusCode()).as("request %d", i).isEqualTo(200);
                assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("\"default.5-per-1m\";q=5;w=60");
                assertThat(r.headers().firstValue("RateLimit").orElseThrow())
                        .startsWith("\"default.5-per-1m\";r=" + (5 - i) + ";t=");
                assertThat(r.headers().firstValue("Retry-After")).isEmpty();
            }
            HttpResponse<String> denied = f.execute(VIEWER, "echo", "echo", "{\"text\":\"a\"}");
            assertThat(denied.statusCode()).isEqualTo(429);
            assertThat(denied.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
            assertThat(denied.headers().firstValue("RateLimit-Policy")).hasValue("\"default.5-per-1m\";q=5;w=60");
            assertThat(denied.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"default.5-per-1m\";r=0;t=");
            long retryAfter = Long.parseLong(denied.headers().firstValue("Retry-After").orElseThrow());
            assertThat(retryAfter).isBetween(1L, 12L);
            JsonNode body = json(denied);
            assertThat(body.path("status").asInt()).isEqualTo(429);
            assertThat(body.path("title").asText()).isEqualTo("Too Many Requests");
            assertThat(body.path("detail").asText()).isEqualTo("Too many requests");
            assertThat(body.path("retry_after").asLong()).isEqualTo(retryAfter);
            assertThat(body.path("violated-policies").get(0).asText()).isEqualTo("default.5-per-1m");
            assertThat(body.path("request_id").asText()).isEqualTo(denied.headers().firstValue("X-Request-ID")
                    .orElseThrow());
            // the denied request never reached the registry: 5 executions only
            assertThat(f.get("/metrics").body()).contains(
                    "twisterlab_agent_executions_total{agent=\"echo\",capability=\"echo\",outcome=\"success\"} 5",
                    "twisterlab_ratelimit_decisions_total{outcome=\"allowed\",policy=\"default\"} 5",
                    "twisterlab_ratelimit_decisions_total{outcome=\"denied\",policy=\"default\"} 1",
                    "twisterlab_ratelimit_degraded 0");
            // also GET routes of the API are limited, for the same principal
            assertThat(f.get("/api/v1/agents", "X-API-Key", VIEWER).statusCode()).isEqualTo(429);
            // another principal has its own bucket
            assertThat(f.execute(OPERATOR, "echo", "echo", "{\"text\":\"a\"}").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void probesAndScrapesAreExempt() {
        try (Fixture f = new Fixture(limit("1/1h"))) {
            for (int i = 0; i < 3; i++) {
                for (String path : new String[] {"/health", "/ready", "/metrics", "/api/v1/system/health", "/"}) {
                    HttpResponse<String> r = f.get(path);
                    assertThat(r.statusCode()).as(path).isEqualTo(200);
                    assertThat(r.headers().firstValue("RateLimit")).as(path).isEmpty();
                }
            }
        }
    }

    @Test
    void unauthenticatedAndWrongKeysAreLimitedByIpBeforeThe401() {
        try (Fixture f = new Fixture(limit("2/1m"))) {
            assertThat(f.get("/api/v1/agents", "X-API-Key", "guess-1").statusCode()).isEqualTo(401);
            HttpResponse<String> second = f.get("/api/v1/agents");
            assertThat(second.statusCode()).isEqualTo(401);
            assertThat(second.headers().firstValue("RateLimit")).isPresent();
            assertThat(f.get("/api/v1/agents", "X-API-Key", "guess-3").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void spoofedForwardedForIsIgnoredWithoutTrustedProxies() {
        try (Fixture f = new Fixture(limit("2/1m"))) {
            assertThat(f.get("/api/v1/agents", "X-Forwarded-For", "203.0.113.1").statusCode()).isEqualTo(401);
            assertThat(f.get("/api/v1/agents", "X-Forwarded-For", "203.0.113.2").statusCode()).isEqualTo(401);
            // a third "different client" is the same peer: denied
            assertThat(f.get("/api/v1/agents", "X-Forwarded-For", "203.0.113.3").statusCode()).isEqualTo(429);
            assertThat(f.get("/api/v1/agents", "Forwarded", "for=203.0.113.4").statusCode()).isEqualTo(429);
        }
    }

    @Test
    void forwardedForIsBelievedFromATrustedProxy() {
        try (Fixture f = new Fixture(Map.of("ratelimit.default", "2/1m",
                "ratelimit.trusted_proxies", "127.0.0.0/8,::1/128"))) {
            for (int i = 0; i < 2; i++) {
                assertThat(f.get("/api/v1/agents", "X-Forwarded-For", "203.0.113.1").statusCode()).isEqualTo(401);
            }
            assertThat(f.get("/api/v1/agents", "X-Forwarded-For", "203.0.113.1").statusCode()).isEqualTo(429);
            // another client behind the proxy has its own bucket
            assertThat(f.get("/api/v1/agents", "X-Forwarded-For", "203.0.113.2").statusCode()).isEqualTo(401);
            // a client cannot escape by prepending a fake hop: the rightmost untrusted address counts
            assertThat(f.get("/api/v1/agents", "X-Forwarded-For", "198.51.100.7, 203.0.113.1").statusCode())
                    .isEqualTo(429);
        }
    }

    @Test
    void loginIsLimitedPerIpBeforeAnyPasswordCheck() {
        String hash = new String(BCrypt.withDefaults().hash(4, "pw-0123456789".toCharArray()),
                StandardCharsets.UTF_8);
        try (Fixture f = new Fixture(Map.of("auth.users", "olga:operator:" + hash, "auth.login_limit", "2/1m"))) {
            String wrong = "{\"username\":\"olga\",\"password\":\"wrong\"}";
            assertThat(f.post("/api/v1/auth/token", "application/json", wrong).statusCode()).isEqualTo(401);
            assertThat(f.post("/api/v1/auth/token", "application/json", wrong).statusCode()).isEqualTo(401);
            HttpResponse<String> limited = f.post("/api/v1/auth/token", "application/json",
                    "{\"username\":\"olga\",\"password\":\"pw-0123456789\"}");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.headers().firstValue("RateLimit-Policy").orElseThrow()).contains("login.2-per-1m");
        }
    }

    @Test
    void yamlRulesApplyPerRouteAndRoleAndShadowNeverDenies() throws Exception {
        Path yaml = dir.resolve("rl.yaml");
        Files.writeString(yaml, """
                ratelimit:
                  rules:
                    - id: viewer-exec
                      path: /api/v1/agents/
                      methods: [POST]
                      role: viewer
                      limits: 1/1m
                    - id: status
                      path: /api/v1/system/status
                      limits: 1/1m
                      shadow: true
                """);
        try (Fixture f = new Fixture(Map.of("config.file", yaml.toString()), new EchoAgent())) {
            HttpResponse<String> first = f.execute(VIEWER, "echo", "echo", "{\"text\":\"a\"}");
            assertThat(first.headers().firstValue("RateLimit-Policy").orElseThrow()).contains("viewer-exec.1-per-1m");
            assertThat(f.execute(VIEWER, "echo", "echo", "{\"text\":\"a\"}").statusCode()).isEqualTo(429);
            // the rule is for viewers only
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> op = f.execute(OPERATOR, "echo", "echo", "{\"text\":\"a\"}");
                assertThat(op.statusCode()).isEqualTo(200);
                assertThat(op.headers().firstValue("RateLimit-Policy").orElseThrow()).startsWith("\"default.");
            }
            // GETs by the viewer fall through to the default
            assertThat(f.get("/api/v1/agents", "X-API-Key", VIEWER).statusCode()).isEqualTo(200);
            // shadow rule: counted, never denied
            for (int i = 0; i < 3; i++) {
                assertThat(f.get("/api/v1/system/status", "X-API-Key", VIEWER).statusCode()).isEqualTo(200);
            }
            assertThat(f.get("/metrics").body()).contains(
                    "twisterlab_ratelimit_decisions_total{outcome=\"shadow_denied\",policy=\"status\"} 2",
                    "twisterlab_ratelimit_decisions_total{outcome=\"denied\",policy=\"viewer-exec\"} 1");
        }
    }

    @Test
    void disabledRateLimitingSendsNoHeadersAndDefinesNoRateLimitMetrics() {
        try (Fixture f = new Fixture(Map.of("ratelimit.enabled", "false", "ratelimit.default", "1/1h"))) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = f.get("/api/v1/agents", "X-API-Key", VIEWER);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().firstValue("RateLimit")).isEmpty();
            }
            assertThat(f.get("/metrics").body()).doesNotContain("twisterlab_ratelimit_");
            assertThat(json(f.get("/api/v1/system/status", "X-API-Key", VIEWER)).path("rate_limit")
                    .path("enabled").asBoolean()).isFalse();
        }
    }

    @Test
    void rfc7239ForwardedAndLegacyHeadersWhenConfigured() {
        try (Fixture f = new Fixture(Map.of("ratelimit.default", "1/1m", "ratelimit.trusted_proxies", "127.0.0.0/8,::1",
                "ratelimit.forwarded_header", "forwarded", "ratelimit.legacy_headers", "true"))) {
            HttpResponse<String> first = f.get("/api/v1/agents", "Forwarded", "for=203.0.113.9");
            assertThat(first.headers().firstValue("X-RateLimit-Limit")).hasValue("1");
            assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
            assertThat(f.get("/api/v1/agents", "Forwarded", "for=203.0.113.9").statusCode()).isEqualTo(429);
            // X-Forwarded-For is not the configured header: the peer itself is the client
            assertThat(f.get("/api/v1/agents", "X-Forwarded-For", "203.0.113.9").statusCode()).isEqualTo(401);
            assertThat(f.get("/api/v1/agents", "Forwarded", "for=\"[2001:db8::1]:4711\"").statusCode())
                    .isEqualTo(401);
        }
    }

    @Test
    void resilience4jStoreLimitsToo() {
        try (Fixture f = new Fixture(Map.of("ratelimit.store", "resilience4j", "ratelimit.default", "2/1m"))) {
            assertThat(f.get("/api/v1/agents", "X-API-Key", VIEWER).statusCode()).isEqualTo(200);
            assertThat(f.get("/api/v1/agents", "X-API-Key", VIEWER).statusCode()).isEqualTo(200);
            HttpResponse<String> denied = f.get("/api/v1/agents", "X-API-Key", VIEWER);
            assertThat(denied.statusCode()).isEqualTo(429);
            assertThat(denied.headers().firstValue("Retry-After")).isPresent();
            assertThat(json(f.get("/api/v1/system/status", "X-API-Key", OPERATOR)).path("rate_limit").path("store")
                    .asText()).isEqualTo("resilience4j");
        }
    }
}
