package io.twisterlab.agents.cache;

import java.util.ArrayList;
import java.util.List;

/**
 * A Redis glob pattern, parsed as Redis's {@code stringmatchlen} parses it ({@code *}, {@code ?}, {@code [abc]},
 * {@code [^abc]}, {@code [a-z]}, {@code \} escapes, an unclosed {@code [} running to the end of the pattern),
 * and matched without backtracking: every position but {@code *} consumes exactly one character, so the classic
 * two-pointer algorithm that remembers only the last {@code *} decides a match in O(key length × pattern length),
 * whatever the pattern. Characters are UTF-16 units, where Redis sees bytes; the two agree on ASCII.
 */
final class Glob {
    private static final Token STAR = new Token(true, false, new char[0]);
    private static final Token ANY = new Token(false, true, new char[0]);

    private final Token[] tokens;
    private final int stars;

    private Glob(List<Token> tokens) {
        this.tokens = tokens.toArray(new Token[0]);
        this.stars = (int) tokens.stream().filter(Token::star).count();
    }

    /** {@code text} with every glob metacharacter escaped, so it matches only itself. */
    static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int k = 0; k < text.length(); k++) {
            char c = text.charAt(k);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    /** Parses {@code pattern}; every string is a pattern, as in Redis. */
    static Glob compile(String pattern) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '*') {
                if (tokens.isEmpty() || !tokens.get(tokens.size() - 1).star()) {
                    tokens.add(STAR);
                }
                i++;
            } else if (c == '?') {
                tokens.add(ANY);
                i++;
            } else if (c == '[') {
                i = charClass(pattern, i + 1, tokens);
            } else if (c == '\\' && i + 1 < pattern.length()) {
                tokens.add(Token.of(pattern.charAt(i + 1)));
                i += 2;
            } else {
                tokens.add(Token.of(c));
                i++;
            }
        }
        return new Glob(tokens);
    }

    /** Parses the class starting after its {@code [}; returns the index after it. */
    private static int charClass(String pattern, int start, List<Token> tokens) {
        int n = pattern.length();
        int i = start;
        boolean negated = i < n && pattern.charAt(i) == '^';
        if (negated) {
            i++;
        }
        StringBuilder ranges = new StringBuilder();
        while (i < n) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < n) {
                ranges.append(pattern.charAt(i + 1)).append(pattern.charAt(i + 1));
                i += 2;
            } else if (c == ']') {
                i++;
                break;
            } else if (i + 2 < n && pattern.charAt(i + 1) == '-') {
                char end = pattern.charAt(i + 2);
                ranges.append((char) Math.min(c, end)).append((char) Math.max(c, end));
                i += 3;
            } else {
                ranges.append(c).append(c);
                i++;
            }
        }
        tokens.add(new Token(false, negated, ranges.toString().toCharArray()));
        return i;
    }

    /** The number of {@code *} wildcards, runs of them counted once. */
    int stars() {
        return stars;
    }

    /** Whether the whole of {@code key} matches. */
    boolean matches(String key) {
        int p = 0;
        int k = 0;
        int lastStar = -1;
        int resumeAt = 0;
        while (k < key.length()) {
            if (p < tokens.length && tokens[p].star()) {
                lastStar = p++;
                resumeAt = k;
            } else if (p < tokens.length && tokens[p].matches(key.charAt(k))) {
                p++;
                k++;
            } else if (lastStar >= 0) {
                // let the last star absorb one more character; earlier stars never need to take back any
                p = lastStar + 1;
                k = ++resumeAt;
            } else {
                return false;
            }
        }
        while (p < tokens.length && tokens[p].star()) {
            p++;
        }
        return p == tokens.length;
    }

    /**
     * One pattern position: {@code *}, or a test of one character against inclusive ranges
     * ({@code lo, hi} pairs), negated for {@code [^...]}; {@code ?} is the negation of no range.
     */
    private record Token(boolean star, boolean negated, char[] ranges) {
        static Token of(char literal) {
            return new Token(false, false, new char[] {literal, literal});
        }

        boolean matches(char c) {
            for (int i = 0; i < ranges.length; i += 2) {
                if (c >= ranges[i] && c <= ranges[i + 1]) {
                    return !negated;
                }
            }
            return negated;
        }
    }
}
