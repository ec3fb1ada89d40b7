package io.twisterlab.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Numbers are bounded when the body is parsed, before any capability can compute with them. */
class JsonTest {
    private final Json json = new Json(1024 * 1024);

    private Map<String, Object> read(String body) {
        return json.readObject(body.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e40000000", "-1e-40000000", "1E+2147483647", "1E-2147483648", "1e1000", "1e-1002",
            "0.11111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111",
            // 2^401: an integer beyond JsonLimits.MAX_INTEGER_BITS
            "5164499756173817179311838344006023748659411585658447025661318713081295244033682389259290706560275662871"
                    + "806343945494986752"})
    void numbersOutOfRangeAreRefusedWherever(String number) {
        for (String body : List.of("{\"n\":" + number + "}", "{\"a\":[1,{\"b\":[" + number + "]}]}",
                "{\"deep\":" + "[".repeat(60) + number + "]".repeat(60) + "}")) {
            assertThatThrownBy(() -> read(body)).isInstanceOf(Json.BadJsonException.class)
                    .hasMessageStartingWith("number out of range");
        }
    }

    @Test
    void theRefusalNamesWhereTheNumberIs() {
        assertThatThrownBy(() -> read("{\"sql\":\"SELECT ?\",\"params\":[1,1e40000000]}"))
                .hasMessage("number out of range at body.params[1]: has decimal exponent 40000001; at most 1000 in "
                        + "magnitude is allowed");
    }

    @Test
    void ordinaryAndLargeButBoundedNumbersPass() {
        Map<String, Object> m = read("{\"a\":1,\"b\":-2.5,\"c\":1e999,\"d\":1e-1001,\"e\":12345678901234567890123,"
                + "\"f\":[0.1,{\"g\":3}]}");
        assertThat(m.get("a")).isEqualTo(1);
        assertThat(m.get("b")).isEqualTo(new BigDecimal("-2.5"));
        assertThat(m.get("c")).isEqualTo(new BigDecimal("1e999"));
        assertThat(m.get("d")).isEqualTo(new BigDecimal("1e-1001"));
        assertThat(m.get("e")).isEqualTo(new BigInteger("12345678901234567890123"));
    }
}
