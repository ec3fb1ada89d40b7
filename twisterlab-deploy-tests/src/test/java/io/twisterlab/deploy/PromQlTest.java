package io.twisterlab.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The metric-name extractor that the monitoring checks rely on. */
class PromQlTest {

    @Test
    void findsMetricsAndSkipsFunctionsLabelsAndKeywords() {
        assertThat(PromQl.metricNames("histogram_quantile(0.95, sum by (le, route) "
                + "(rate(http_seconds_bucket{job=\"a\", route!~\"/mcp.*\"}[5m])))"))
                .containsExactly("http_seconds_bucket");
        assertThat(PromQl.metricNames("sum(up{job=\"x\"}) == 0 or absent(up{job=\"x\"})"))
                .containsExactly("up");
        assertThat(PromQl.metricNames("sum(rate(a_total{s=~\"5..\"}[$__rate_interval])) / sum(rate(b_count[5m])) > 0.05"))
                .containsExactly("a_total", "b_count");
        assertThat(PromQl.metricNames("sum(x) by (pod) / on (pod) group_left(version) y offset 5m > 1e3"))
                .containsExactly("x", "y");
        assertThat(PromQl.metricNames("{__name__=\"z_total\"}")).containsExactly("z_total");
        assertThat(PromQl.metricNames("max(g{ns=\"$namespace\"}) > bool 0")).containsExactly("g");
    }

    @Test
    void findsTheLabelMatchersOfOneMetric() {
        assertThat(PromQl.matchers("sum(rate(a_total{x=\"1\", outcome!=\"success\"}[5m])) / sum(b_a_total{outcome=\"z\"})",
                "a_total")).containsExactly(new PromQl.LabelMatcher("x", "=", "1"),
                new PromQl.LabelMatcher("outcome", "!=", "success"));
    }
}
