package io.twisterlab.agents.maestro;

import io.twisterlab.core.JsonLimits;
import io.twisterlab.core.Violation;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Parses {@code @agent.capability(key=value, ...)}. Values: double- or single-quoted strings (escapes
 * {@code \" \' \\ \n \t \r \}{@code uXXXX}), integers, decimals, {@code true}, {@code false}, {@code null} and
 * {@code [..]} lists of values. Parentheses may be omitted when there are no arguments.
 *
 * <p>Values are bounded while they are parsed, by the {@link JsonLimits} every capability applies: lists nest at
 * most {@link JsonLimits#MAX_DEPTH} deep (so the parser's own recursion is bounded too) and numbers beyond
 * {@link JsonLimits#check its digits and exponent} are refused before anything converts them.
 */
final class CommandParser {
    /** A parsed command. */
    record Command(String agent, String capability, Map<String, @Nullable Object> arguments) {
    }

    /** Bad syntax, with the position where parsing stopped. */
    static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;

        SyntaxException(String message, int position) {
            super(message + " at position " + (position + 1));
        }

        /** Never null: every constructor takes a message. */
        @Override
        public String getMessage() {
            return Objects.requireNonNull(super.getMessage());
        }
    }

    private final String text;
    private int pos;

    private CommandParser(String text) {
        this.text = text;
    }

    static Command parse(String text) throws SyntaxException {
        return new CommandParser(text).command();
    }

    private Command command() throws SyntaxException {
        skipSpace();
        expect('@', "a command starts with @, as in @agent.capability(key=value)");
        String agent = identifier("an agent name");
        expect('.', "expected '.' between agent and capability");
        String capability = identifier("a capability name");
        skipSpace();
        Map<String, @Nullable Object> arguments = new LinkedHashMap<>();
        if (peek() == '(') {
            pos++;
            skipSpace();
            if (peek() != ')') {
                while (true) {
                    skipSpace();
                    int keyPos = pos;
                    String key = identifier("an argument name");
                    skipSpace();
                    expect('=', "expected '=' after argument name '" + key + "'");
                    skipSpace();
                    @Nullable Object value = value(0);
                    if (arguments.containsKey(key)) {
                        throw new SyntaxException("argument '" + key + "' is given twice", keyPos);
                    }
                    arguments.put(key, value);
                    skipSpace();
                    if (peek() == ',') {
                        pos++;
                        continue;
                    }
                    break;
                }
            }
            expect(')', "expected ',' or ')'");
            skipSpace();
        }
        if (pos < text.length()) {
            throw new SyntaxException("unexpected text after the command", pos);
        }
        return new Command(agent, capability, Collections.unmodifiableMap(arguments));
    }

    /** The value at {@link #pos}, inside {@code depth} lists. */
    private @Nullable Object value(int depth) throws SyntaxException {
        char c = peek();
        if (c == '"' || c == '\'') {
            return string(c);
        }
        if (c == '[') {
            if (depth == JsonLimits.MAX_DEPTH) {
                throw new SyntaxException("lists nest deeper than " + JsonLimits.MAX_DEPTH + " levels", pos);
            }
            pos++;
            List<@Nullable Object> items = new ArrayList<>();
            skipSpace();
            if (peek() == ']') {
                pos++;
                return Collections.unmodifiableList(items);
            }
            while (true) {
                skipSpace();
                items.add(value(depth + 1));
                skipSpace();
                if (peek() == ',') {
                    pos++;
                    continue;
                }
                expect(']', "expected ',' or ']' in list");
                return Collections.unmodifiableList(items);
            }
        }
        if (c == '-' || Character.isDigit(c)) {
            return number();
        }
        if (Character.isLetter(c)) {
            int start = pos;
            String word = identifier("a value");
            switch (word) {
                case "true":
                    return Boolean.TRUE;
                case "false":
                    return Boolean.FALSE;
                case "null":
                    return null;
                default:
                    throw new SyntaxException("unquoted text '" + word + "': quote strings, as in key=\"" + word
                            + "\"", start);
            }
        }
        throw new SyntaxException(c == '\0' ? "missing value" : "unexpected '" + c + "'", pos);
    }

    private Object number() throws SyntaxException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int digits = pos;
        while (Character.isDigit(peek())) {
            pos++;
        }
        if (pos == digits) {
            throw new SyntaxException("expected digits", pos);
        }
        boolean decimal = false;
        if (peek() == '.') {
            decimal = true;
            pos++;
            int fraction = pos;
            while (Character.isDigit(peek())) {
                pos++;
            }
            if (pos == fraction) {
                throw new SyntaxException("expected digits after '.'", pos);
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            decimal = true;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            int exponent = pos;
            while (Character.isDigit(peek())) {
                pos++;
            }
            if (pos == exponent) {
                throw new SyntaxException("expected digits in exponent", pos);
            }
        }
        if (Character.isLetter(peek())) {
            throw new SyntaxException("unexpected '" + peek() + "' in number", pos);
        }
        String literal = text.substring(start, pos);
        BigDecimal exact;
        try {
            exact = new BigDecimal(literal);
        } catch (NumberFormatException exponentBeyondInt) {
            throw new SyntaxException("number out of range", start);
        }
        Optional<Violation> unbounded = JsonLimits.check("number", exact);
        if (unbounded.isPresent()) {
            throw new SyntaxException("number " + unbounded.get().message(), start);
        }
        if (decimal) {
            double d = Double.parseDouble(literal);
            if (!Double.isFinite(d)) {
                throw new SyntaxException("number out of range", start);
            }
            return d;
        }
        try {
            return Long.parseLong(literal);
        } catch (NumberFormatException e) {
            return exact;
        }
    }

    private String string(char quote) throws SyntaxException {
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                break;
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\'', '\\', '/' -> sb.append(e);
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw new SyntaxException("incomplete \\u escape", pos - 2);
                    }
                    try {
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw new SyntaxException("invalid \\u escape", pos - 2);
                    }
                    pos += 4;
                }
                default -> throw new SyntaxException("unknown escape \\" + e, pos - 2);
            }
        }
        throw new SyntaxException("unterminated string", start);
    }

    private String identifier(String what) throws SyntaxException {
        int start = pos;
        if (pos < text.length() && (Character.isLetter(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
            while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
                    || text.charAt(pos) == '-')) {
                pos++;
            }
            return text.substring(start, pos);
        }
        throw new SyntaxException("expected " + what, pos);
    }

    private void expect(char c, String message) throws SyntaxException {
        if (peek() != c) {
            throw new SyntaxException(message, pos);
        }
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
