package io.twisterlab.agents.maestro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twisterlab.core.JsonLimits;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandParserTest {
    @Test
    void parsesQuotedStringsNumbersBooleansNullAndLists() throws Exception {
        CommandParser.Command command = CommandParser.parse(
                "  @database.execute_query( sql = \"SELECT * FROM t WHERE a = ? AND b = 'x, y'\", "
                        + "params=[1, -2.5, 'it\\'s', true, null], limit=10, verbose=false, note='a\\n\\u00e9' ) ");
        assertThat(command.agent()).isEqualTo("database");
        assertThat(command.capability()).isEqualTo("execute_query");
        assertThat(command.arguments()).containsEntry("sql", "SELECT * FROM t WHERE a = ? AND b = 'x, y'")
                .containsEntry("params", Arrays.asList(1L, -2.5, "it's", true, null))
                .containsEntry("limit", 10L).containsEntry("verbose", false).containsEntry("note", "a\né");
        assertThat(command.arguments().keySet()).containsExactly("sql", "params", "limit", "verbose", "note");
    }

    @Test
    void parenthesesAreOptionalWithoutArguments() throws Exception {
        assertThat(CommandParser.parse("@monitoring.get_jvm_metrics").arguments()).isEmpty();
        assertThat(CommandParser.parse("@monitoring.get_jvm_metrics()").arguments()).isEmpty();
        assertThat(CommandParser.parse("@real-monitoring.health_check ( )").agent()).isEqualTo("real-monitoring");
    }

    @Test
    void numbersKeepTheirKind() throws Exception {
        Map<String, Object> args = CommandParser.parse("@a.b(i=42, d=4.2, e=1e3, big=123456789012345678901234)")
                .arguments();
        assertThat(args).containsEntry("i", 42L).containsEntry("d", 4.2).containsEntry("e", 1000.0)
                .containsEntry("big", new BigDecimal("123456789012345678901234"));
        assertThat(CommandParser.parse("@a.b(empty=[], nested=[[1], ['x']])").arguments())
                .containsEntry("empty", List.of()).containsEntry("nested", List.of(List.of(1L), List.of("x")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``|starts with @",
            "`monitoring.get_jvm_metrics()`|starts with @",
            "`@monitoring`|expected '.'",
            "`@monitoring.`|expected a capability name",
            "`@a.b(x=1`|expected ',' or ')'",
            "`@a.b(x=1))`|unexpected text after the command",
            "`@a.b(x=)`|unexpected ')'",
            "`@a.b(x=`|missing value",
            "`@a.b(x=hello)`|quote strings",
            "`@a.b(x=\"open)`|unterminated string",
            "`@a.b(x=1, x=2)`|given twice",
            "`@a.b(=1)`|expected an argument name",
            "`@a.b(x 1)`|expected '='",
            "`@a.b(x=1.)`|expected digits after '.'",
            "`@a.b(x=12abc)`|in number",
            "`@a.b(x=[1, 2)`|expected ',' or ']'",
            "`@a.b(x=\"\\q\")`|unknown escape",
            "`@a.b(x=1) trailing`|unexpected text",
    })
    void badSyntaxIsExplainedWithAPosition(String command, String message) {
        assertThatThrownBy(() -> CommandParser.parse(command))
                .isInstanceOf(CommandParser.SyntaxException.class)
                .hasMessageContaining(message)
                .hasMessageContaining("at position");
    }

    @Test
    @Timeout(10)
    void listsNestAtMostAsDeepAsCoreAllowsAndTheParserNeverOverflows() throws Exception {
        int max = JsonLimits.MAX_DEPTH;
        Object parsed = CommandParser.parse("@a.b(x=" + "[".repeat(max) + "]".repeat(max) + ")").arguments().get("x");
        assertThat(JsonLimits.check("x", parsed)).isEmpty();
        for (int depth : new int[] {max + 1, 9_000}) {
            assertThatThrownBy(() -> CommandParser.parse("@a.b(x=" + "[".repeat(depth) + "]".repeat(depth) + ")"))
                    .isInstanceOf(CommandParser.SyntaxException.class)
                    .hasMessage("lists nest deeper than 64 levels at position " + (8 + max));
        }
    }

    @ParameterizedTest
    @Timeout(10)
    @CsvSource(delimiter = '|', value = {
            "1e40000000|decimal exponent 40000001", "-1e-40000000|decimal exponent -39999999",
            "1e99999999999|out of range", "1e400|out of range",
    })
    void numbersBeyondCoreBoundsAreRefusedAtParseTime(String literal, String message) {
        assertThatThrownBy(() -> CommandParser.parse("@a.b(x=[" + literal + "])"))
                .isInstanceOf(CommandParser.SyntaxException.class)
                .hasMessageContaining(message).hasMessageEndingWith("at position 9");
        assertThatThrownBy(() -> CommandParser.parse("@a.b(x=" + "9".repeat(301) + ")"))
                .hasMessageContaining("more than 100 significant digits");
    }
}
