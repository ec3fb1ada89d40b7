package io.twisterlab.agents.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "*|anything|true",
            "user:*|user:1|true",
            "user:*|users:1|false",
            "user:?|user:12|false",
            "user:[12]|user:2|true",
            "user:[^12]|user:2|false",
            "user:[a-c]x|user:bx|true",
            "user:[a-c]x|user:dx|false",
            "user:[c-a]x|user:bx|true",
            "a\\*b|a*b|true",
            "a\\*b|axb|false",
            "a.b|axb|false",
            "[d]|d|true",
            "[]|a|false",
            "[^]|a|true",
            "[\\]]|]|true",
            "[a-]|]|true",
            "[abc|b|true",
            "[abc|[abc|false",
            "a\\|a\\|true",
            "**a**|xxaxx|true",
            "*a*b|xaxxbxb|true",
            "*a*b|xaxxbx|false",
    })
    void matchesLikeRedis(String glob, String key, boolean matches) {
        assertThat(Glob.compile(glob).matches(key)).as("%s ~ %s", glob, key).isEqualTo(matches);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"ns:*[x]?\\|ns:*[x]?\\", "plain:|plain:"})
    void escapedTextMatchesOnlyItself(String text, String key) {
        assertThat(Glob.compile(Glob.escape(text)).matches(key)).isTrue();
        assertThat(Glob.compile(Glob.escape(text) + "*").matches(key + "tail")).isTrue();
        assertThat(Glob.compile(Glob.escape(text)).matches(key + "x")).isFalse();
        assertThat(Glob.compile(Glob.escape(text)).stars()).isZero();
    }

    @Test
    void countsStarRunsOutsideClassesAndEscapes() {
        assertThat(Glob.compile("a**b*[*]\\*?").stars()).isEqualTo(2);
    }

    /** The matcher agrees with the regular-expression translation it replaced, where that one was well defined. */
    @Test
    void agreesWithTheRegexTranslationOnRandomPatterns() {
        List<String> parts = List.of("a", "b", "c", "*", "?", "[ab]", "[^a]", "[a-b]", "\\*", "\\a");
        Random random = new Random(42);
        for (int run = 0; run < 20_000; run++) {
            StringBuilder glob = new StringBuilder();
            for (int i = random.nextInt(7); i > 0; i--) {
                glob.append(parts.get(random.nextInt(parts.size())));
            }
            StringBuilder key = new StringBuilder();
            for (int i = random.nextInt(9); i > 0; i--) {
                key.append("abc*".charAt(random.nextInt(4)));
            }
            assertThat(Glob.compile(glob.toString()).matches(key.toString())).as("%s ~ %s", glob, key)
                    .isEqualTo(regexTranslation(glob.toString()).matcher(key).matches());
        }
    }

    @Test
    @Timeout(10)
    void aBacktrackingPatternOverTenThousandKeysCompletes() {
        Glob hostile = Glob.compile("*?".repeat(16) + "!");
        String key = "twisterlab:cache:" + "a".repeat(480);
        for (int i = 0; i < 10_000; i++) {
            assertThat(hostile.matches(key + i)).isFalse();
        }
    }

    /** The regex translation Glob used before; exponential on patterns such as {@code *?*?*?...!}. */
    private static Pattern regexTranslation(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '\\' -> re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
                case '[' -> {
                    int end = glob.indexOf(']', i + 1);
                    String body = glob.substring(i + 1, end);
                    boolean negate = body.startsWith("^");
                    re.append(negate ? "[^" : "[").append(negate ? body.substring(1) : body).append(']');
                    i = end;
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
