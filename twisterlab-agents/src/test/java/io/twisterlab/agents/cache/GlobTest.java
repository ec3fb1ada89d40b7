package io.twisterlab.agents.cache;

import static org.assertj.core.api.Assertions.assertThat;

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
            "a\\*b|a*b|true",
            "a\\*b|axb|false",
            "a.b|axb|false",
            "[d]|d|true",
    })
    void matchesLikeRedis(String glob, String key, boolean matches) {
        assertThat(Glob.toRegex(glob).matcher(key).matches()).as("%s ~ %s", glob, key).isEqualTo(matches);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {"ns:*[x]?\\|ns:*[x]?\\", "plain:|plain:"})
    void escapedTextMatchesOnlyItself(String text, String key) {
        assertThat(Glob.toRegex(Glob.escape(text)).matcher(key).matches()).isTrue();
        assertThat(Glob.toRegex(Glob.escape(text) + "*").matcher(key + "tail").matches()).isTrue();
        assertThat(Glob.toRegex(Glob.escape(text)).matcher(key + "x").matches()).isFalse();
    }
}
