package io.twisterlab.core;

/**
 * The JSON type of a capability parameter.
 *
 * <p>Validated arguments arrive normalised to one Java type per parameter type:
 * {@code STRING} → {@link String}, {@code INTEGER} → {@link Long}, {@code NUMBER} → {@link Double},
 * {@code BOOLEAN} → {@link Boolean}, {@code ARRAY} → {@link java.util.List}, {@code OBJECT} →
 * {@link java.util.Map} with string keys, {@code ANY} → whichever of those the caller sent.
 *
 * <pre>{@code
 * Param.builder("limit", ParamType.INTEGER).defaultValue(100).minimum(1).build();
 * }</pre>
 */
public enum ParamType {
    STRING("string"),
    INTEGER("integer"),
    NUMBER("number"),
    BOOLEAN("boolean"),
    ARRAY("array"),
    OBJECT("object"),
    /** Any JSON value; its schema has no {@code type} keyword. */
    ANY("any");

    private final String jsonType;

    ParamType(String jsonType) {
        this.jsonType = jsonType;
    }

    /**
     * The JSON Schema {@code type} keyword value, e.g. {@code "integer"}; {@code "any"} for {@link #ANY}, whose
     * schema carries no {@code type}.
     */
    public String jsonType() {
        return jsonType;
    }
}
