package io.twisterlab.core;

import java.util.Objects;

/**
 * One problem with one argument: which field, a stable machine-readable code and a human message.
 *
 * <p>Codes: {@code missing}, {@code unknown}, {@code type}, {@code range}, {@code enum}, {@code length}, and
 * {@code too_deep} and {@code number_out_of_range} for values beyond the {@link JsonLimits}.
 *
 * <pre>{@code
 * catch (InvalidArgumentsException e) {
 *     e.violations().forEach(v -> System.out.println(v.field() + ": " + v.message()));
 * }
 * }</pre>
 *
 * @param field   the parameter name as the caller sent it, followed by a short path such as {@code [0].price}
 *                when the problem lies inside an array or object
 * @param code    stable code, see above
 * @param message what is wrong, in words a caller can act on
 */
public record Violation(String field, String code, String message) {
    public static final String MISSING = "missing";
    public static final String UNKNOWN = "unknown";
    public static final String TYPE = "type";
    public static final String RANGE = "range";
    public static final String ENUM = "enum";
    public static final String LENGTH = "length";
    /** Arrays and objects nested deeper than {@link JsonLimits#MAX_DEPTH}. */
    public static final String DEPTH = "too_deep";
    /** A number beyond the digits or exponent {@link JsonLimits} allows. */
    public static final String NUMBER = "number_out_of_range";

    public Violation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
