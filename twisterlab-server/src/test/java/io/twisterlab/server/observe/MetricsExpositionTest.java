package io.twisterlab.server.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.core.CapabilityKind;
import io.twisterlab.core.ExecutionContext;
import io.twisterlab.core.ExecutionEvent;
import io.twisterlab.core.ExecutionOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The exposition of our own metrics, line for line, in both formats, against golden files: names, label names and
 * order, unit suffixes, {@code _created} series, bucket bounds, label escaping and the content types. A client
 * library upgrade that changes any of it (and so every dashboard, alert and recording rule) fails here. The JVM
 * metrics are the library's own, checked by the deploy tests against the dashboards; the values of
 * {@code _created} series are timestamps and are masked.
 */
class MetricsExpositionTest {

    @Test
    void prometheusTextFormatIsUnchanged() throws IOException {
        Metrics.Scrape scrape = recorded().scrape("text/plain");

        assertThat(scrape.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(ours(scrape)).isEqualTo(golden("metrics-exposition.txt"));
    }

    @Test
    void openMetricsFormatIsUnchanged() throws IOException {
        Metrics.Scrape scrape = recorded().scrape("application/openmetrics-text; version=1.0.0; charset=utf-8");

        assertThat(scrape.contentType()).isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(new String(scrape.body(), StandardCharsets.UTF_8)).endsWith("# EOF\n");
        assertThat(ours(scrape)).isEqualTo(golden("metrics-exposition.openmetrics.txt"));
    }

    /** One of every series the server writes, with fixed values. */
    private static Metrics recorded() {
        Metrics metrics = new Metrics("1.2.3", "0123abc");
        metrics.enableRateLimitMetrics();
        metrics.trackInMemoryKeys(() -> 7);
        metrics.observeHttp("GET", "/api/v1/agents/{agent}", 200, 3_000_000L);
        metrics.observeHttp("POST", "/api/v1/agents/{agent}/{capability}", 429, 120_000_000L);
        // A label value with the characters the format escapes: a quote, a backslash and a line feed.
        metrics.observeHttp("other", "un\"usual\\route\n", 404, 7_000_000_000L);
        metrics.onExecution(new ExecutionEvent("database", "execute_query", CapabilityKind.QUERY,
                ExecutionContext.system(), Duration.ofMillis(40), ExecutionOutcome.SUCCESS, null, List.of()));
        metrics.onExecution(new ExecutionEvent("database", "execute_query", CapabilityKind.QUERY,
                ExecutionContext.system(), Duration.ofSeconds(31), ExecutionOutcome.TIMEOUT, "query_timeout",
                List.of()));
        metrics.rateLimitDecision("default", "allowed");
        metrics.rateLimitDecision("default", "denied");
        metrics.rateLimitDecision("default", "denied");
        metrics.rateLimitStoreError("redis");
        metrics.rateLimitDegraded(true);
        return metrics;
    }

    /** Our lines (samples and their HELP/TYPE/UNIT), in order, with the timestamps of _created samples masked. */
    private static String ours(Metrics.Scrape scrape) {
        StringBuilder out = new StringBuilder();
        new String(scrape.body(), StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("twisterlab_") || line.matches("# [A-Z]+ twisterlab_.*"))
                .map(line -> line.matches("twisterlab_\\S*_created(\\{.*})? .*")
                        ? line.substring(0, line.lastIndexOf(' ')) + " <timestamp>"
                        : line)
                .forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = Objects.requireNonNull(MetricsExpositionTest.class.getResourceAsStream(name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
