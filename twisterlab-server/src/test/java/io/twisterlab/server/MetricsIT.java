package io.twisterlab.server;

import static io.twisterlab.server.Fixture.OPERATOR;
import static io.twisterlab.server.Fixture.VIEWER;
import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.testing.EchoAgent;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricsIT {
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*})? -?[0-9.eE+-]+|"
                    + "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{.*})? (NaN|\\+Inf|-Inf)");

    @Test
    void exposesTheDocumentedNamesAfterTraffic() {
        try (Fixture f = new Fixture(new EchoAgent())) {
            f.execute(VIEWER, "echo", "echo", "{\"text\":\"a\"}");
            f.execute(OPERATOR, "echo", "fail", "{}");
            f.execute(VIEWER, "echo", "echo", "{}");
            f.get("/nope");
            f.get("/api/v1/agents/echo", "X-API-Key", VIEWER);

            HttpResponse<String> text = f.get("/metrics");
            assertThat(text.statusCode()).isEqualTo(200);
            assertThat(text.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
            String body = text.body();
            assertThat(body).contains(
                    "twisterlab_http_request_duration_seconds_bucket{method=\"POST\","
                            + "route=\"/api/v1/agents/{agent}/capabilities/{capability}\",status=\"200\"",
                    "twisterlab_http_request_duration_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"}",
                    "route=\"/api/v1/agents/{agent}\",status=\"200\"",
                    "twisterlab_agent_executions_total{agent=\"echo\",capability=\"echo\",outcome=\"success\"} 1",
                    "twisterlab_agent_executions_total{agent=\"echo\",capability=\"fail\",outcome=\"failure\"} 1",
                    "twisterlab_agent_executions_total{agent=\"echo\",capability=\"echo\",outcome=\"invalid_arguments\"} 1",
                    "twisterlab_agent_execution_duration_seconds_count{agent=\"echo\",capability=\"echo\"}",
                    "twisterlab_build_info{revision=\"" + TwisterLabServer.revision() + "\",version=\""
                            + TwisterLabServer.version() + "\"} 1",
                    "jvm_memory_used_bytes");
            // every non-comment line parses as a sample
            List<String> bad = body.lines().filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .filter(l -> !SAMPLE.matcher(l).matches()).toList();
            assertThat(bad).isEmpty();
            // the memory store's tracked keys: the viewer and the operator, each under the default policy
            assertThat(body).containsPattern("(?m)^twisterlab_ratelimit_tracked_keys [2-9]");
            com.fasterxml.jackson.databind.JsonNode rateLimit =
                    Fixture.json(f.get("/api/v1/system/status", "X-API-Key", VIEWER)).path("rate_limit");
            assertThat(rateLimit.path("tracked_keys").asInt()).isBetween(2, 100_000);
            assertThat(rateLimit.path("max_keys").asInt()).isEqualTo(100_000);

            HttpResponse<String> om = f.get("/metrics", "Accept",
                    "application/openmetrics-text; version=1.0.0; charset=utf-8");
            assertThat(om.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/openmetrics-text");
            assertThat(om.body()).contains("twisterlab_agent_executions_total").endsWith("# EOF\n");
        }
    }

    @Test
    void trackedKeysStayWithinTheConfiguredCapAndTheGaugeExistsOnlyWithTheMemoryStore() {
        try (Fixture f = new Fixture(java.util.Map.of("ratelimit.memory_max_keys", "20",
                "ratelimit.trusted_proxies", "127.0.0.0/8,::1/128"))) {
            for (int i = 0; i < 60; i++) {
                f.get("/api/v1/agents", "X-Forwarded-For", "10.9.0." + i); // unauthenticated: one key per address
                f.get("/api/v1/agents", "X-API-Key", VIEWER);
            }
            java.util.regex.Matcher m = Pattern.compile("(?m)^twisterlab_ratelimit_tracked_keys (\\S+)$")
                    .matcher(f.get("/metrics").body());
            assertThat(m.find()).as("gauge exported").isTrue();
            assertThat(Double.parseDouble(m.group(1))).isBetween(1.0, 20.0);
            com.fasterxml.jackson.databind.JsonNode rateLimit =
                    Fixture.json(f.get("/api/v1/system/status", "X-API-Key", VIEWER)).path("rate_limit");
            assertThat(rateLimit.path("max_keys").asInt()).isEqualTo(20);
            assertThat(rateLimit.path("tracked_keys").asInt()).isBetween(1, 20);
        }
        try (Fixture f = new Fixture(java.util.Map.of("ratelimit.enabled", "false"))) {
            f.get("/api/v1/agents", "X-API-Key", VIEWER);
            assertThat(f.get("/metrics").body()).doesNotContain("twisterlab_ratelimit_tracked_keys");
        }
    }

    /** Series of one metric in a Prometheus text scrape: one {@code _count} line per label set. */
    static List<String> series(String scrape, String metric) {
        return scrape.lines().filter(l -> l.startsWith(metric + "_count{")).toList();
    }

    @Test
    void inventedMethodsAre501BeforeRoutingAndShareOneSeries() {
        EchoAgent echo = new EchoAgent();
        try (Fixture f = new Fixture(echo)) {
            f.get("/nope");
            f.get("/health");
            List<String> before = series(f.get("/metrics").body(), "twisterlab_http_request_duration_seconds");
            int port = f.server.baseUri().getPort();
            try (RawConnection keepAlive = new RawConnection(port)) {
                for (int i = 0; i < 10_000; i++) {
                    RawConnection.Response r = keepAlive.send(String.format("M%07d", i), i % 2 == 0 ? "/nope"
                            : "/api/v1/agents/echo/capabilities/reset", "Authorization: Bearer " + OPERATOR
                            + "\r\nContent-Length: 0\r\n");
                    assertThat(r.status()).as(r.head()).isEqualTo(501);
                }
            }
            try (RawConnection oneShot = new RawConnection(port)) {
                RawConnection.Response r = oneShot.send("BREW", "/api/v1/agents/echo/capabilities/reset",
                        "Authorization: Bearer " + OPERATOR + "\r\nConnection: close\r\n");
                assertThat(r.status()).isEqualTo(501);
                assertThat(r.head().toLowerCase(java.util.Locale.ROOT))
                        .contains("content-type: application/problem+json");
                assertThat(Fixture.json(r.body()).path("code").asText()).isEqualTo("not_implemented");
            }
            assertThat(echo.resets()).as("an invented method on an ACTION's route never runs it").isZero();

            HttpResponse<String> scrape = f.get("/metrics");
            assertThat(scrape.statusCode()).isEqualTo(200);
            List<String> after = series(scrape.body(), "twisterlab_http_request_duration_seconds");
            assertThat(after).as("at most one new series, for every invented method")
                    .hasSizeLessThanOrEqualTo(before.size() + 2) // the new one, and /metrics itself
                    .noneMatch(l -> l.contains("M000"));
            assertThat(scrape.body()).contains("twisterlab_http_request_duration_seconds_count{method=\"other\","
                    + "route=\"unmatched\",status=\"501\"} 10001");
            assertThat(f.get("/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void unknownAgentsAndCapabilitiesInTheUrlCreateNoExecutionSeries() {
        try (Fixture f = new Fixture(new EchoAgent())) {
            for (int i = 0; i < 50; i++) {
                assertThat(f.execute(OPERATOR, "invented-agent-" + i, "x", "{}").statusCode()).isEqualTo(404);
                assertThat(f.execute(OPERATOR, "echo", "invented-capability-" + i, "{}").statusCode()).isEqualTo(404);
            }
            String scrape = f.get("/metrics").body();
            assertThat(scrape).doesNotContain("invented-");
            assertThat(scrape.lines().filter(l -> l.startsWith("twisterlab_agent_executions_total{"))).isEmpty();
            assertThat(series(scrape, "twisterlab_http_request_duration_seconds"))
                    .containsExactly("twisterlab_http_request_duration_seconds_count{method=\"POST\","
                            + "route=\"/api/v1/agents/{agent}/capabilities/{capability}\",status=\"404\"} 100");
        }
    }

    @Test
    void serversHaveSeparateRegistries() {
        try (Fixture a = new Fixture(); Fixture b = new Fixture()) {
            a.get("/health");
            assertThat(a.server.metricsRegistry()).isNotSameAs(b.server.metricsRegistry());
            assertThat(b.get("/metrics").body()).doesNotContain("route=\"/health\"");
        }
    }
}
