package io.twisterlab.ratelimit.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.twisterlab.ratelimit.Decision;
import io.twisterlab.ratelimit.Limit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TooManyRequestsProblemTest {

    private static final Limit LIMIT = Limit.of(10, Duration.ofSeconds(1));

    @Test
    void buildsAnOrderedProblemBody() {
        Decision d = Decision.deny(LIMIT, 0, 1_500_000_000L, 1_000_000_000L);
        assertThat(TooManyRequestsProblem.body(d)).containsExactly(
                java.util.Map.entry("type", "about:blank"),
                java.util.Map.entry("title", "Too Many Requests"),
                java.util.Map.entry("status", 429),
                java.util.Map.entry("detail", "Too many requests"),
                java.util.Map.entry("violated-policies", List.of("10-per-1s")),
                java.util.Map.entry("retry_after", 2L));
        assertThat(TooManyRequestsProblem.json(d)).isEqualTo("{\"type\":\"about:blank\",\"title\":\"Too Many Requests\","
                + "\"status\":429,\"detail\":\"Too many requests\",\"violated-policies\":[\"10-per-1s\"],"
                + "\"retry_after\":2}");
        assertThat(TooManyRequestsProblem.CONTENT_TYPE).isEqualTo("application/problem+json");
    }

    @Test
    void omitsRetryAfterWhenTheRequestCanNeverConform() {
        Decision never = Decision.deny(LIMIT, 10, Decision.NEVER, 0);
        assertThat(TooManyRequestsProblem.body(never)).doesNotContainKey("retry_after");
        assertThat(TooManyRequestsProblem.json(never)).endsWith("\"violated-policies\":[\"10-per-1s\"]}");
    }
}
