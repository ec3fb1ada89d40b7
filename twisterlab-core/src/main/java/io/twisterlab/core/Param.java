package io.twisterlab.core;

import io.twisterlab.core.internal.ArgumentValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A typed capability parameter: name, type, description, and constraints.
 *
 * <p>A parameter is required only when declared {@link Builder#required() required} <em>and</em> it has no
 * default. Constraints: {@code enum} values, numeric {@code minimum}/{@code maximum}, {@code maxLength} for
 * strings, {@code maxItems} and an item type for arrays. The default value must itself satisfy every constraint.
 *
 * <pre>{@code
 * Param sql   = Param.builder("sql", ParamType.STRING).required().maxLength(10_000).description("SELECT ...").build();
 * Param limit = Param.builder("limit", ParamType.INTEGER).defaultValue(100).minimum(1).maximum(10_000).build();
 * Param sort  = Param.builder("sort_by", ParamType.STRING).defaultValue("cpu").allowedValues("cpu", "memory").build();
 * }</pre>
 */
public final class Param {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    private final String name;
    private final ParamType type;
    private final String description;
    private final boolean declaredRequired;
    private final @Nullable Object defaultValue;
    private final List<Object> allowedValues;
    private final @Nullable Double minimum;
    private final @Nullable Double maximum;
    private final @Nullable Integer maxLength;
    private final @Nullable Integer maxItems;
    private final @Nullable ParamType itemType;

    private Param(Builder b) {
        this.name = b.name;
        this.type = b.type;
        this.description = b.description;
        this.declaredRequired = b.required;
        this.allowedValues = List.copyOf(b.allowedValues);
        this.minimum = b.minimum;
        this.maximum = b.maximum;
        this.maxLength = b.maxLength;
        this.maxItems = b.maxItems;
        this.itemType = b.itemType;
        this.defaultValue = b.defaultValue == null ? null : normalisedDefault(b.defaultValue);
    }

    private Object normalisedDefault(Object raw) {
        List<Violation> problems = new ArrayList<>();
        Object value = ArgumentValidator.check(this, raw, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("default value of parameter '" + name + "' is invalid: "
                    + problems.get(0).message());
        }
        return Objects.requireNonNull(value);
    }

    /** Starts a parameter declaration. */
    public static Builder builder(String name, ParamType type) {
        return new Builder(name, type);
    }

    public String name() {
        return name;
    }

    public ParamType type() {
        return type;
    }

    public String description() {
        return description;
    }

    /** True when the caller must supply this parameter: declared required and no default. */
    public boolean required() {
        return declaredRequired && defaultValue == null;
    }

    /** The default, already normalised to the type's Java representation (see {@link ParamType}). */
    public Optional<Object> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /** Allowed values ({@code enum}); empty when any value of the type is allowed. */
    public List<Object> allowedValues() {
        return allowedValues;
    }

    public Optional<Double> minimum() {
        return Optional.ofNullable(minimum);
    }

    public Optional<Double> maximum() {
        return Optional.ofNullable(maximum);
    }

    /** Maximum string length in characters (code points). */
    public Optional<Integer> maxLength() {
        return Optional.ofNullable(maxLength);
    }

    /** Maximum number of array items. */
    public Optional<Integer> maxItems() {
        return Optional.ofNullable(maxItems);
    }

    /** The type every array item must have, when constrained. */
    public Optional<ParamType> itemType() {
        return Optional.ofNullable(itemType);
    }

    @Override
    public String toString() {
        return "Param[" + name + ": " + type.jsonType() + (required() ? ", required" : "") + "]";
    }

    /** Validated builder for {@link Param}; {@link #build()} fails with a message naming the problem. */
    public static final class Builder {
        private final String name;
        private final ParamType type;
        private String description = "";
        private boolean required;
        private @Nullable Object defaultValue;
        private final List<Object> allowedValues = new ArrayList<>();
        private @Nullable Double minimum;
        private @Nullable Double maximum;
        private @Nullable Integer maxLength;
        private @Nullable Integer maxItems;
        private @Nullable ParamType itemType;

        private Builder(String name, ParamType type) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("parameter name '" + name + "' must match " + NAME.pattern());
            }
            this.name = name;
            this.type = type;
        }

        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        public Builder required() {
            this.required = true;
            return this;
        }

        public Builder defaultValue(Object value) {
            this.defaultValue = Objects.requireNonNull(value, "default value");
            return this;
        }

        public Builder allowedValues(Object... values) {
            for (Object value : values) {
                allowedValues.add(Objects.requireNonNull(value, "allowed value"));
            }
            return this;
        }

        public Builder minimum(double minimum) {
            requireNumeric("minimum");
            this.minimum = minimum;
            return this;
        }

        public Builder maximum(double maximum) {
            requireNumeric("maximum");
            this.maximum = maximum;
            return this;
        }

        public Builder maxLength(int maxLength) {
            if (type != ParamType.STRING) {
                throw new IllegalArgumentException("maxLength applies to STRING parameters, not " + type);
            }
            if (maxLength < 1) {
                throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
            }
            this.maxLength = maxLength;
            return this;
        }

        public Builder maxItems(int maxItems) {
            requireArray("maxItems");
            if (maxItems < 0) {
                throw new IllegalArgumentException("maxItems must not be negative: " + maxItems);
            }
            this.maxItems = maxItems;
            return this;
        }

        public Builder itemType(ParamType itemType) {
            requireArray("itemType");
            this.itemType = Objects.requireNonNull(itemType, "itemType");
            return this;
        }

        private void requireNumeric(String what) {
            if (type != ParamType.INTEGER && type != ParamType.NUMBER) {
                throw new IllegalArgumentException(what + " applies to INTEGER and NUMBER parameters, not " + type);
            }
        }

        private void requireArray(String what) {
            if (type != ParamType.ARRAY) {
                throw new IllegalArgumentException(what + " applies to ARRAY parameters, not " + type);
            }
        }

        public Param build() {
            if (minimum != null && maximum != null && minimum > maximum) {
                throw new IllegalArgumentException("parameter '" + name + "': minimum " + minimum
                        + " is greater than maximum " + maximum);
            }
            return new Param(this);
        }
    }
}
