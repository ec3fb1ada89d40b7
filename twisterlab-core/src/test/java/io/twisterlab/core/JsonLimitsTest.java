package io.twisterlab.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.groups.Tuple.tuple;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile argument values are refused before any handler, conversion or comparison touches them; each test also
 * proves the handler never ran.
 */
@Timeout(10)
class JsonLimitsTest {
    private final AtomicBoolean handled = new AtomicBoolean();
    private final Capability capability = Capability.action("store")
            .param(Param.builder("value", ParamType.ANY).build())
            .param(Param.builder("params", ParamType.ARRAY).build())
            .param(Param.builder("limit", ParamType.INTEGER).minimum(1).build())
            .param(Param.builder("ratio", ParamType.NUMBER).maximum(1).build())
            .param(Param.builder("context", ParamType.OBJECT).build())
            .handler(inv -> handled.getAndSet(true));

    private List<Violation> refused(String name, Object value) {
        InvalidArgumentsException e = catchThrowableOfType(InvalidArgumentsException.class,
                () -> capability.validate(Map.of(name, value)));
        assertThat(e).as("%s is refused", name).isNotNull();
        assertThat(handled).isFalse();
        return e.violations();
    }

    private static Object nested(int depth) {
        Object value = 1;
        for (int i = 0; i < depth; i++) {
            value = List.of(value);
        }
        return value;
    }

    @Test
    void depthSixtyFourIsAcceptedAndSixtyFiveRefusedForEveryContainerType() {
        assertThat(capability.validate(Map.of("value", nested(JsonLimits.MAX_DEPTH))).find("value")).isPresent();
        assertThat(refused("value", nested(JsonLimits.MAX_DEPTH + 1)))
                .extracting(Violation::field, Violation::code)
                .containsExactly(tuple("value[0][0][0][0]…", Violation.DEPTH));
        assertThat(refused("params", nested(JsonLimits.MAX_DEPTH + 1))).extracting(Violation::code)
                .containsExactly(Violation.DEPTH);
        assertThat(refused("context", Map.of("k", nested(JsonLimits.MAX_DEPTH)))).extracting(Violation::code)
                .containsExactly(Violation.DEPTH);
    }

    @Test
    void aValueNineThousandLevelsDeepIsRefusedWithoutOverflowingTheStack() {
        List<Object> root = new ArrayList<>();
        List<Object> current = root;
        for (int i = 0; i < 9_000; i++) {
            List<Object> next = new ArrayList<>();
            current.add(next);
            current = next;
        }
        assertThat(refused("value", root)).extracting(Violation::code).containsExactly(Violation.DEPTH);
        assertThat(refused("params", root)).extracting(Violation::code).containsExactly(Violation.DEPTH);
    }

    @Test
    void hugeExponentsScalesAndDigitCountsAreRefusedWithoutArithmetic() {
        for (Object hostile : List.of(new BigDecimal("1e40000000"), new BigDecimal("-1e-40000000"),
                new BigDecimal("1e2147483647"), new BigDecimal("0e-2147483647"),
                new BigDecimal(BigInteger.TEN.pow(100_000), 3), new BigDecimal("1".repeat(101)),
                BigInteger.TEN.pow(299), BigInteger.ONE.shiftLeft(50_000_000))) {
            for (String param : List.of("value", "limit", "ratio")) {
                assertThat(refused(param, hostile)).as("%s as %s", param, hostile.getClass().getSimpleName())
                        .extracting(Violation::field, Violation::code)
                        .containsExactly(tuple(param, Violation.NUMBER));
            }
        }
        assertThat(refused("params", List.of(1, Map.of("price", new BigDecimal("1e40000000")))))
                .extracting(Violation::field, Violation::code)
                .containsExactly(tuple("params[1].price", Violation.NUMBER));
    }

    @Test
    void numbersWithinTheBoundsAreUnchanged() {
        BigDecimal largest = new BigDecimal("9".repeat(JsonLimits.MAX_DIGITS)).scaleByPowerOfTen(900);
        BigDecimal smallest = new BigDecimal("1e-1000");
        Arguments args = capability.validate(Map.of("value", List.of(largest, smallest, Double.MAX_VALUE,
                Double.MIN_VALUE, Long.MIN_VALUE, BigInteger.TWO.pow(332)), "limit", new BigDecimal("7.000"),
                "ratio", new BigDecimal("0.25")));
        assertThat(args.getList("value")).containsExactly(largest, smallest, Double.MAX_VALUE, Double.MIN_VALUE,
                Long.MIN_VALUE, BigInteger.TWO.pow(332));
        assertThat(args.getLong("limit")).isEqualTo(7L);
        assertThat(args.getDouble("ratio")).isEqualTo(0.25);
    }

    @Test
    void pathsStayShortAndNameTheOffendingElement() {
        String longKey = "k".repeat(10_000);
        assertThat(JsonLimits.check("value", Map.of(longKey, List.of(new BigDecimal("1e2000")))))
                .hasValueSatisfying(v -> assertThat(v.field()).isEqualTo("value." + "k".repeat(32) + "…[0]"));
        assertThat(JsonLimits.check("value", "text")).isEmpty();
        assertThat(JsonLimits.check("value", null)).isEmpty();
    }

    @Test
    void defaultValuesAreBoundedToo() {
        Param.Builder builder = Param.builder("limit", ParamType.INTEGER).defaultValue(new BigDecimal("1e40000000"));
        assertThat(catchThrowableOfType(IllegalArgumentException.class, builder::build))
                .hasMessageContaining("decimal exponent");
    }
}
