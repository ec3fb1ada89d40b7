package io.twisterlab.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The bounds every JSON-like value must respect before anything computes with it: nesting depth and the size of
 * numbers. {@link Capability#validate(Map)} applies them to every argument, whatever its {@link ParamType}, so
 * each entrance (HTTP, MCP, Maestro commands, embedded callers) is bounded alike; parsers apply the same
 * constants while they parse, so that a hostile document is refused before it is built.
 *
 * <p>Why numbers are bounded: JSON numbers arrive as {@link BigDecimal} or {@link BigInteger}, and a 12-byte
 * literal such as {@code 1e40000000} turns into minutes of {@code BigInteger.pow} in {@code toBigInteger()},
 * {@code toPlainString()}, {@code longValueExact()} or a database bind. The bounds below admit every {@code double}
 * (exponents -323 to 309) and every {@code long} with a wide margin, while capping the work any conversion can do
 * at powers of ten of about a thousand digits.
 *
 * <pre>{@code
 * JsonLimits.check("value", List.of(List.of(1, new BigDecimal("1e40000000"))))
 *         .ifPresent(v -> System.out.println(v.field() + ": " + v.message())); // value[0][1]: has decimal exponent 40000001; ...
 * }</pre>
 */
public final class JsonLimits {
    /**
     * Most arrays and objects nested in one value: {@code []} has depth 1, a scalar depth 0. The HTTP server's
     * JSON parser bounds request bodies at the same depth; its {@code Json.MAX_DEPTH} is to be defined as this.
     */
    public static final int MAX_DEPTH = 64;
    /** Most significant digits of a decimal number ({@link BigDecimal#precision()}). */
    public static final int MAX_DIGITS = 100;
    /**
     * Largest decimal exponent, in magnitude, of a decimal number: its {@code precision - scale}, so that its
     * absolute value lies between {@code 10^(-MAX_EXPONENT - 1)} and {@code 10^MAX_EXPONENT} (or is a zero whose
     * scale is as bounded).
     */
    public static final int MAX_EXPONENT = 1000;
    /** Largest {@link BigInteger#bitLength()} of an integer: about {@link #MAX_DIGITS} decimal digits. */
    public static final int MAX_INTEGER_BITS = 333;

    private static final int MAX_PATH_SEGMENTS = 4;
    private static final int MAX_KEY_CHARS = 32;

    private JsonLimits() {
    }

    /**
     * The first place where {@code value} exceeds a bound, as a violation of {@code field} (with a short path to
     * the offending element, e.g. {@code value[0].price}), or empty when it is within bounds.
     *
     * <p>Iterative, and linear in the size of the value: a value nested thousands of levels deep cannot overflow
     * the stack here, and numbers are judged by {@code precision()}, {@code scale()} and {@code bitLength()}
     * alone, never by arithmetic on them. Values that are not JSON-like are not judged here.
     * Codes: {@link Violation#DEPTH}, {@link Violation#NUMBER}.
     */
    public static Optional<Violation> check(String field, @Nullable Object value) {
        Node root = new Node(value, null, null, 0);
        if (!isContainer(value)) {
            return checkScalar(root, field);
        }
        Deque<Node> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            Node node = pending.pop();
            int depth = node.depth + 1;
            if (depth > MAX_DEPTH) {
                return Optional.of(new Violation(node.path(field), Violation.DEPTH,
                        "nests arrays and objects deeper than " + MAX_DEPTH + " levels"));
            }
            if (node.value instanceof List<?> list) {
                int index = 0;
                for (Object item : list) {
                    Optional<Violation> problem = visit(new Node(item, node, index++, depth), field, pending);
                    if (problem.isPresent()) {
                        return problem;
                    }
                }
            } else if (node.value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    Optional<Violation> problem = visit(new Node(entry.getValue(), node, entry.getKey(), depth),
                            field, pending);
                    if (problem.isPresent()) {
                        return problem;
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Violation> visit(Node child, String field, Deque<Node> pending) {
        if (isContainer(child.value)) {
            pending.push(child);
            return Optional.empty();
        }
        return checkScalar(child, field);
    }

    private static Optional<Violation> checkScalar(Node node, String field) {
        if (node.value instanceof BigInteger big && big.bitLength() > MAX_INTEGER_BITS) {
            return Optional.of(new Violation(node.path(field), Violation.NUMBER, "is an integer of "
                    + big.bitLength() + " bits; at most " + MAX_INTEGER_BITS + " (about " + MAX_DIGITS
                    + " digits) are allowed"));
        }
        if (node.value instanceof BigDecimal decimal) {
            // bitLength first: precision() of a huge unscaled value computes a power of ten as large as it
            if (decimal.unscaledValue().bitLength() > MAX_INTEGER_BITS || decimal.precision() > MAX_DIGITS) {
                return Optional.of(new Violation(node.path(field), Violation.NUMBER, "has more than " + MAX_DIGITS
                        + " significant digits"));
            }
            long exponent = (long) decimal.precision() - decimal.scale();
            if (Math.abs(exponent) > MAX_EXPONENT) {
                return Optional.of(new Violation(node.path(field), Violation.NUMBER, "has decimal exponent "
                        + exponent + "; at most " + MAX_EXPONENT + " in magnitude is allowed"));
            }
        }
        return Optional.empty();
    }

    private static boolean isContainer(@Nullable Object value) {
        return value instanceof List<?> || value instanceof Map<?, ?>;
    }

    /** A value with the way to it; the path is only rendered for a violation. */
    private record Node(@Nullable Object value, @Nullable Node parent, @Nullable Object segment, int depth) {
        String path(String field) {
            List<@Nullable Object> segments = new ArrayList<>();
            for (Node n = this; n.parent != null; n = n.parent) {
                segments.add(n.segment);
            }
            StringBuilder sb = new StringBuilder(field);
            for (int i = segments.size() - 1; i >= Math.max(0, segments.size() - MAX_PATH_SEGMENTS); i--) {
                Object segment = segments.get(i);
                if (segment instanceof Integer index) {
                    sb.append('[').append(index).append(']');
                } else if (segment instanceof String key) {
                    sb.append('.').append(key.length() > MAX_KEY_CHARS ? key.substring(0, MAX_KEY_CHARS) + "…" : key);
                } else {
                    sb.append(".?");
                }
            }
            return segments.size() > MAX_PATH_SEGMENTS ? sb.append("…").toString() : sb.toString();
        }
    }
}
