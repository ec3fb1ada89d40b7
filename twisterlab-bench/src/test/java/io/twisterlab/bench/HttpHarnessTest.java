package io.twisterlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP harness's parsing and report (the harness itself needs wrk and the packaged server: run by hand). */
class HttpHarnessTest {

    private static final String WRK = """
            Running 2s test @ http://127.0.0.1:39789/api/v1/agents
              1 threads and 32 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency    16.63ms   12.05ms 119.47ms   91.52%
                Req/Sec     1.93k   233.65     2.16k    80.00%
              Latency Distribution
                 50%   13.26ms
                 75%   17.93ms
                 90%   24.50ms
                 99%  119.47ms
              3849 requests in 2.00s, 9.42MB read
              Non-2xx or 3xx responses: 12
            Requests/sec:   1920.50
            Transfer/sec:      4.70MB
            """;

    @Test
    void parsesThroughputLatencyAndErrors() {
        HttpHarness.Sample s = HttpHarness.parseWrk(WRK);
        assertThat(s.requestsPerSecond()).isEqualTo(1920.50);
        assertThat(s.p50Micros()).isEqualTo(13_260.0);
        assertThat(s.p99Micros()).isEqualTo(119_470.0);
        assertThat(s.non2xx()).isEqualTo(12);
        assertThat(s.requests()).isEqualTo(3849);
    }

    @Test
    void reportsRatiosToOff() {
        HttpHarness.Sample off = new HttpHarness.Sample(1000, 1000, 2000, 0, 5000);
        HttpHarness.Sample memory = new HttpHarness.Sample(950, 1000, 2000, 0, 4750);
        String md = HttpHarness.markdown(Map.of("off", List.of(off), "memory", List.of(memory)), 1, 5, 32);
        assertThat(md).contains("| memory | 950 (950–950) |").contains("0.95× (0.95–0.95) | 0.95× (0.95–0.95) |");
    }
}
