package io.twisterlab.core.internal;

import io.twisterlab.core.JsonLimits;
import io.twisterlab.core.Param;
import io.twisterlab.core.ParamType;
import io.twisterlab.core.Violation;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Checks raw JSON-like arguments against declared parameters, collecting every violation.
 */
public final class ArgumentValidator {
    private ArgumentValidator() {
    }

    /**
     * Validates {@code raw} against {@code params}: applies defaults, normalises values, and returns them in
     * declaration order; fills {@code violations} (then the returned map is incomplete and must not be used).
     */
    public static LinkedHashMap<String, Object> validate(List<Param> params, Map<String, ?> raw,
                                                         List<Violation> violations) {
        LinkedHashMap<String, Object> result = new LinkedHashMap<>();
        for (Param param : params) {
            @Nullable Object value = raw.get(param.name());
            if (value == null) {
                if (param.defaultValue().isPresent()) {
                    result.put(param.name(), param.defaultValue().get());
                } else if (param.required()) {
                    violations.add(new Violation(param.name(), Violation.MISSING, raw.containsKey(param.name())
                            ? "must not be null" : "is required"));
                }
                continue;
            }
            @Nullable Object checked = check(param, value, violations);
            if (checked != null) {
                result.put(param.name(), checked);
            }
        }
        for (String name : raw.keySet()) {
            if (params.stream().noneMatch(p -> p.name().equals(name))) {
                violations.add(new Violation(name, Violation.UNKNOWN, "is not a parameter of this capability"));
            }
        }
        return result;
    }

    /**
     * Bounds, type-checks and constrains one non-null value; returns the normalised value, or null after a
     * violation. The {@link JsonLimits} come first: nothing below may convert or compare an unbounded number.
     */
    public static @Nullable Object check(Param param, Object value, List<Violation> violations) {
        Optional<Violation> unbounded = JsonLimits.check(param.name(), value);
        if (unbounded.isPresent()) {
            violations.add(unbounded.get());
            return null;
        }
        @Nullable Object normalised = normalise(param.type(), value);
        if (normalised == null) {
            violations.add(new Violation(param.name(), Violation.TYPE,
                    "must be " + article(param.type()) + ", got " + describe(value)));
            return null;
        }
        int before = violations.size();
        checkConstraints(param, normalised, violations);
        if (violations.size() != before) {
            return null;
        }
        if (normalised instanceof List<?> list && param.itemType().isPresent()) {
            ParamType itemType = param.itemType().get();
            List<Object> items = new ArrayList<>(list.size());
            list.forEach(item -> items.add(normalise(itemType, item)));
            return Collections.unmodifiableList(items);
        }
        return normalised;
    }

    private static void checkConstraints(Param param, Object value, List<Violation> violations) {
        String name = param.name();
        if (!param.allowedValues().isEmpty() && param.allowedValues().stream()
                .map(allowed -> normalise(param.type(), allowed)).noneMatch(value::equals)) {
            violations.add(new Violation(name, Violation.ENUM, "must be one of " + param.allowedValues()
                    + ", got " + describe(value)));
        }
        if (value instanceof Number number) {
            double v = number.doubleValue();
            param.minimum().filter(min -> v < min).ifPresent(min -> violations.add(
                    new Violation(name, Violation.RANGE, "must be >= " + plain(min) + ", got " + plain(v))));
            param.maximum().filter(max -> v > max).ifPresent(max -> violations.add(
                    new Violation(name, Violation.RANGE, "must be <= " + plain(max) + ", got " + plain(v))));
        }
        if (value instanceof String text) {
            int length = text.codePointCount(0, text.length());
            param.maxLength().filter(max -> length > max).ifPresent(max -> violations.add(
                    new Violation(name, Violation.LENGTH, "must be at most " + max + " characters, got " + length)));
        }
        if (value instanceof List<?> list) {
            param.maxItems().filter(max -> list.size() > max).ifPresent(max -> violations.add(
                    new Violation(name, Violation.LENGTH, "must have at most " + max + " items, got " + list.size())));
            param.itemType().ifPresent(itemType -> {
                for (int i = 0; i < list.size(); i++) {
                    Object item = list.get(i);
                    if (item == null || normalise(itemType, item) == null) {
                        violations.add(new Violation(name + "[" + i + "]", Violation.TYPE,
                                "must be " + article(itemType) + ", got " + describe(item)));
                    }
                }
            });
        }
    }

    /** The value in its type's Java representation, or null if it is not of that type. */
    private static @Nullable Object normalise(ParamType type, Object value) {
        return switch (type) {
            case STRING -> value instanceof String ? value : null;
            case BOOLEAN -> value instanceof Boolean ? value : null;
            case INTEGER -> integral(value);
            case NUMBER -> value instanceof Number n && !isNonFinite(n) ? n.doubleValue() : null;
            case ARRAY -> value instanceof List<?> list ? Collections.unmodifiableList(new ArrayList<Object>(list))
                    : null;
            case OBJECT -> stringKeyed(value);
            case ANY -> jsonLike(value) ? value : null;
        };
    }

    private static @Nullable Long integral(Object value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return big.bitLength() < 64 ? big.longValue() : null;
        }
        if (value instanceof BigDecimal decimal) {
            try {
                return decimal.longValueExact();
            } catch (ArithmeticException notIntegral) {
                return null;
            }
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            boolean integralAndInRange = d == Math.rint(d) && Math.abs(d) < 0x1p63;
            return integralAndInRange ? (long) d : null;
        }
        return null;
    }

    private static boolean jsonLike(Object value) {
        return value instanceof String || value instanceof Boolean || value instanceof List<?>
                || value instanceof Map<?, ?> || (value instanceof Number n && !isNonFinite(n));
    }

    private static boolean isNonFinite(Number n) {
        return (n instanceof Double || n instanceof Float) && !Double.isFinite(n.doubleValue());
    }

    private static @Nullable Map<String, Object> stringKeyed(Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            return null;
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                return null;
            }
            copy.put(key, e.getValue());
        }
        return Collections.unmodifiableMap(copy);
    }

    private static String article(ParamType type) {
        return switch (type) {
            case ANY -> "a JSON value";
            case INTEGER, ARRAY, OBJECT -> "an " + type.jsonType();
            default -> "a " + type.jsonType();
        };
    }

    static String describe(@Nullable Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "the number " + value;
        }
        if (value instanceof List<?>) {
            return "an array";
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        return "a " + value.getClass().getSimpleName();
    }

    private static String plain(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

}
