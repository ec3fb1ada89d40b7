package io.twisterlab.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            10/1s      | 10-per-1s     | 10   | PT1S
            5/100ms    | 5-per-100ms   | 5    | PT0.1S
            1000/1h    | 1000-per-1h   | 1000 | PT1H
            7/2m       | 7-per-2m      | 7    | PT2M
            1/1d       | 1-per-1d      | 1    | PT24H
            3/1500ms   | 3-per-1500ms  | 3    | PT1.5S
            ' 2/50us ' | 2-per-50us    | 2    | PT0.00005S
            """)
    void parsesOneLimit(String spec, String id, long permits, Duration period) {
        Limit l = Limit.parse(spec);
        assertThat(l.id()).isEqualTo(id);
        assertThat(l.permits()).isEqualTo(permits);
        assertThat(l.burst()).isEqualTo(permits);
        assertThat(l.period()).isEqualTo(period);
    }

    @Test
    void parsesAListAsInTheEnvironment() {
        assertThat(Limit.parseAll("10/1s, 1000/1h")).extracting(Limit::id).containsExactly("10-per-1s", "1000-per-1h");
    }

    @Test
    void namesTheBadPartInParseErrors() {
        assertThatThrownBy(() -> Limit.parseAll("10/1s,10/1x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("entry 2").hasMessageContaining("'10/1x'").hasMessageContaining("us, ms, s, m, h or d");
        assertThatThrownBy(() -> Limit.parseAll("10/1s,,5/1m")).hasMessageContaining("entry 2 is empty");
        assertThatThrownBy(() -> Limit.parseAll("10/1s,10/1s")).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> Limit.parse("0/1s")).hasMessageContaining("permits must be positive");
        assertThatThrownBy(() -> Limit.parse("10/0s")).hasMessageContaining("period must be positive");
        assertThatThrownBy(() -> Limit.parse("2000/1ms")).hasMessageContaining("one permit per microsecond");
        assertThatThrownBy(() -> Limit.parse("ten/1s")).hasMessageContaining("'ten/1s'");
        assertThatThrownBy(() -> Limit.parse("1/999999999999d")).hasMessageContaining("longer than");
    }

    @Test
    void validatesBuiltLimits() {
        assertThatThrownBy(() -> Limit.builder("bad id").permits(1).per(Duration.ofSeconds(1)).build())
                .hasMessageContaining("limit id 'bad id'");
        assertThatThrownBy(() -> Limit.builder("x").permits(1).per(Duration.ofNanos(1500)).build())
                .hasMessageContaining("whole number of microseconds");
        assertThatThrownBy(() -> Limit.builder("x").permits(1).per(Duration.ofSeconds(1)).burst(0).build())
                .hasMessageContaining("burst must be positive");
        assertThatThrownBy(() -> Limit.builder("x").permits(1).per(Duration.ofDays(365)).burst(10).build())
                .hasMessageContaining("2^48");
        Limit l = Limit.builder("api").permits(100).per(Duration.ofMinutes(1)).burst(20).build();
        assertThat(l.burst()).isEqualTo(20);
        assertThat(l.emissionIntervalMicros()).isEqualTo(600_000L);
        assertThat(l.emissionIntervalNanos()).isEqualTo(600_000_000L);
    }

    @Test
    void roundsTheEmissionIntervalDownToAMicrosecond() {
        assertThat(Limit.of(3, Duration.ofSeconds(1)).emissionIntervalMicros()).isEqualTo(333_333L);
    }

    @Test
    void scalesForALocalFallback() {
        Limit l = Limit.builder("api").permits(100).per(Duration.ofMinutes(1)).burst(30).build();
        Limit third = l.scaled(1.0 / 3);
        assertThat(third).isEqualTo(new Limit("api", 33, Duration.ofMinutes(1), 10));
        assertThat(Limit.of(1, Duration.ofSeconds(1)).scaled(0.1).permits()).isEqualTo(1);
        assertThatThrownBy(() -> l.scaled(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> l.scaled(1.5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hasValueSemantics() {
        assertThat(Limit.parse("10/1s")).isEqualTo(Limit.of(10, Duration.ofSeconds(1)))
                .hasSameHashCodeAs(Limit.of(10, Duration.ofSeconds(1)))
                .isNotEqualTo(Limit.of("10-per-1s", 10, Duration.ofMillis(999)));
        assertThat(Limit.parse("10/1s")).hasToString("Limit[10-per-1s: 10 per 1s, burst 10]");
        assertThat(List.of(Limit.parse("1/1s"))).hasSize(1);
    }
}
