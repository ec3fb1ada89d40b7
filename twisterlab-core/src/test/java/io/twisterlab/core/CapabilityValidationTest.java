package io.twisterlab.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapabilityValidationTest {
    private final Capability query = Capability.query("run_query")
            .description("test")
            .param(Param.builder("sql", ParamType.STRING).required().maxLength(10).build())
            .param(Param.builder("limit", ParamType.INTEGER).defaultValue(100).minimum(1).maximum(1000).build())
            .param(Param.builder("ratio", ParamType.NUMBER).minimum(0).maximum(1).build())
            .param(Param.builder("mode", ParamType.STRING).defaultValue("fast").allowedValues("fast", "safe").build())
            .param(Param.builder("dry_run", ParamType.BOOLEAN).build())
            .param(Param.builder("params", ParamType.ARRAY).itemType(ParamType.INTEGER).maxItems(3).build())
            .param(Param.builder("context", ParamType.OBJECT).build())
            .handler(inv -> null);

    private List<Violation> violationsOf(Map<String, ?> arguments) {
        try {
            query.validate(arguments);
        } catch (InvalidArgumentsException e) {
            return e.violations();
        }
        throw new AssertionError("expected InvalidArgumentsException for " + arguments);
    }

    @Test
    void appliesDefaultsAndNormalisesTypes() {
        Arguments args = query.validate(Map.of("sql", "select 1", "ratio", 1, "params", List.of(1, 2.0)));
        assertThat(args.getString("sql")).isEqualTo("select 1");
        assertThat(args.getLong("limit")).isEqualTo(100L);
        assertThat(args.getDouble("ratio")).isEqualTo(1.0);
        assertThat(args.getString("mode")).isEqualTo("fast");
        assertThat(args.findBoolean("dry_run")).isEmpty();
        assertThat(args.getList("params")).containsExactly(1L, 2L);
        assertThat(args.asMap()).containsOnlyKeys("sql", "limit", "ratio", "mode", "params");
    }

    @Test
    void reportsMissingRequired() {
        assertThat(violationsOf(Map.of())).extracting(Violation::field, Violation::code)
                .containsExactly(tuple("sql", Violation.MISSING));
    }

    @Test
    void explicitNullOfRequiredIsMissingAndOfOptionalIsAbsent() {
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("sql", null);
        assertThat(violationsOf(arguments)).singleElement()
                .satisfies(v -> assertThat(v.message()).isEqualTo("must not be null"));
        arguments.put("sql", "x");
        arguments.put("limit", null);
        assertThat(query.validate(arguments).getLong("limit")).isEqualTo(100L);
    }

    @Test
    void reportsUnknownParameters() {
        assertThat(violationsOf(Map.of("sql", "x", "sqll", "y"))).extracting(Violation::field, Violation::code)
                .containsExactly(tuple("sqll", Violation.UNKNOWN));
    }

    @Test
    void aStringIsNotAnInteger() {
        assertThat(violationsOf(Map.of("sql", "x", "limit", "5"))).extracting(Violation::field, Violation::code)
                .containsExactly(tuple("limit", Violation.TYPE));
    }

    @Test
    void integralDoublesAreIntegersButFractionsAreNot() {
        assertThat(query.validate(Map.of("sql", "x", "limit", 5.0)).getLong("limit")).isEqualTo(5L);
        assertThat(query.validate(Map.of("sql", "x", "limit", new BigDecimal("7.000"))).getLong("limit"))
                .isEqualTo(7L);
        assertThat(query.validate(Map.of("sql", "x", "limit", BigInteger.TEN)).getLong("limit")).isEqualTo(10L);
        assertThat(violationsOf(Map.of("sql", "x", "limit", 5.5))).extracting(Violation::code)
                .containsExactly(Violation.TYPE);
        assertThat(violationsOf(Map.of("sql", "x", "limit", BigInteger.TWO.pow(70))))
                .extracting(Violation::code).containsExactly(Violation.TYPE);
        assertThat(violationsOf(Map.of("sql", "x", "ratio", Double.NaN))).extracting(Violation::code)
                .containsExactly(Violation.TYPE);
    }

    @Test
    void reportsOutOfRange() {
        assertThat(violationsOf(Map.of("sql", "x", "limit", 0, "ratio", 1.5)))
                .extracting(Violation::field, Violation::code, Violation::message)
                .containsExactly(tuple("limit", Violation.RANGE, "must be >= 1, got 0"),
                        tuple("ratio", Violation.RANGE, "must be <= 1, got 1.5"));
    }

    @Test
    void reportsValuesOutsideTheEnum() {
        assertThat(violationsOf(Map.of("sql", "x", "mode", "FAST"))).extracting(Violation::field, Violation::code)
                .containsExactly(tuple("mode", Violation.ENUM));
    }

    @Test
    void reportsTooLongStringsCountingCodePoints() {
        assertThat(query.validate(Map.of("sql", "😀".repeat(10))).getString("sql")).hasSize(20);
        assertThat(violationsOf(Map.of("sql", "12345678901"))).extracting(Violation::field, Violation::code)
                .containsExactly(tuple("sql", Violation.LENGTH));
    }

    @Test
    void checksArrayItemsAndLength() {
        assertThat(violationsOf(Map.of("sql", "x", "params", List.of(1, "two", 3))))
                .extracting(Violation::field, Violation::code)
                .containsExactly(tuple("params[1]", Violation.TYPE));
        assertThat(violationsOf(Map.of("sql", "x", "params", List.of(1, 2, 3, 4))))
                .extracting(Violation::field, Violation::code)
                .containsExactly(tuple("params", Violation.LENGTH));
        assertThat(violationsOf(Map.of("sql", "x", "params", Arrays.asList(1, null))))
                .extracting(Violation::field).containsExactly("params[1]");
    }

    @Test
    void objectsNeedStringKeys() {
        assertThat(query.validate(Map.of("sql", "x", "context", Map.of("a", 1))).getMap("context"))
                .containsEntry("a", 1);
        assertThat(violationsOf(Map.of("sql", "x", "context", Map.of(1, 1)))).extracting(Violation::code)
                .containsExactly(Violation.TYPE);
        assertThat(violationsOf(Map.of("sql", "x", "context", List.of()))).extracting(Violation::code)
                .containsExactly(Violation.TYPE);
    }

    @Test
    void anyAcceptsEveryJsonValueAndHasNoSchemaType() {
        Capability set = Capability.action("set")
                .param(Param.builder("value", ParamType.ANY).required().build()).handler(inv -> null);
        for (Object value : List.of("s", 1, 2.5, true, List.of(1, "a"), Map.of("k", List.of()))) {
            assertThat(set.validate(Map.of("value", value)).find("value")).contains(value);
        }
        assertThatThrownBy(() -> set.validate(Map.of("value", Double.POSITIVE_INFINITY)))
                .isInstanceOfSatisfying(InvalidArgumentsException.class, e -> assertThat(e.violations())
                        .extracting(Violation::message).containsExactly("must be a JSON value, got the number Infinity"));
        assertThat(set.inputSchema().get("properties")).isEqualTo(Map.of("value", Map.of()));
    }

    @Test
    void reportsEveryViolationAtOnce() {
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("limit", "ten");
        arguments.put("ratio", -1);
        arguments.put("mode", "slow");
        arguments.put("dry_run", "yes");
        arguments.put("extra", true);
        assertThatThrownBy(() -> query.validate(arguments))
                .isInstanceOfSatisfying(InvalidArgumentsException.class, e -> {
                    assertThat(e.violations()).extracting(Violation::field, Violation::code).containsExactly(
                            tuple("sql", Violation.MISSING), tuple("limit", Violation.TYPE),
                            tuple("ratio", Violation.RANGE), tuple("mode", Violation.ENUM),
                            tuple("dry_run", Violation.TYPE), tuple("extra", Violation.UNKNOWN));
                    assertThat(e.code()).isEqualTo("invalid_arguments");
                    assertThat(e.getMessage()).contains("sql is required", "limit must be an integer, got a string");
                });
    }

    @Test
    void aRequiredParamWithADefaultIsNotRequired() {
        Param p = Param.builder("n", ParamType.INTEGER).required().defaultValue(3).build();
        assertThat(p.required()).isFalse();
        assertThat(p.defaultValue()).contains(3L);
    }

    @Test
    void buildersRejectInconsistentDeclarations() {
        assertThatThrownBy(() -> Param.builder("n", ParamType.INTEGER).defaultValue("3").build())
                .hasMessageContaining("default value of parameter 'n' is invalid");
        assertThatThrownBy(() -> Param.builder("n", ParamType.INTEGER).minimum(5).maximum(1).build())
                .hasMessageContaining("minimum 5.0 is greater than maximum 1.0");
        assertThatThrownBy(() -> Param.builder("s", ParamType.STRING).minimum(1))
                .hasMessageContaining("minimum applies to INTEGER and NUMBER");
        assertThatThrownBy(() -> Param.builder("bad name", ParamType.STRING)).hasMessageContaining("must match");
        assertThatThrownBy(() -> Param.builder("m", ParamType.STRING).defaultValue("x").allowedValues("a").build())
                .hasMessageContaining("must be one of");
        assertThatThrownBy(() -> Capability.query("Bad-Name")).hasMessageContaining("snake_case");
        assertThatThrownBy(() -> Capability.query("q").param("a", ParamType.STRING, "")
                .param("a", ParamType.STRING, "")).hasMessageContaining("declares parameter 'a' twice");
    }
}
