package io.twisterlab.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Validated arguments of one call, with defaults applied and values normalised (see {@link ParamType}).
 *
 * <p>{@code getX} reads a parameter that is required or has a default (and fails loudly if a handler asks for
 * one that is neither); {@code findX} reads an optional parameter.
 *
 * <pre>{@code
 * String sql = args.getString("sql");
 * long limit = args.getLong("limit");             // default applied
 * Optional<List<Object>> params = args.findList("params");
 * }</pre>
 */
public final class Arguments {
    private static final Arguments EMPTY = new Arguments(Map.of());

    private final Map<String, Object> values;

    private Arguments(Map<String, Object> values) {
        this.values = values;
    }

    /** Wraps already-validated values; used by {@link Capability#validate(Map)}. */
    static Arguments of(LinkedHashMap<String, Object> validated) {
        return validated.isEmpty() ? EMPTY : new Arguments(Collections.unmodifiableMap(validated));
    }

    public static Arguments empty() {
        return EMPTY;
    }

    public boolean contains(String name) {
        return values.containsKey(name);
    }

    /** Every validated argument, in declaration order; unmodifiable. */
    public Map<String, Object> asMap() {
        return values;
    }

    /** Names of the arguments present (for audit logs: names, never values). */
    public List<String> names() {
        return List.copyOf(values.keySet());
    }

    public String getString(String name) {
        return get(name, String.class);
    }

    public Optional<String> findString(String name) {
        return find(name, String.class);
    }

    public long getLong(String name) {
        return get(name, Long.class);
    }

    public Optional<Long> findLong(String name) {
        return find(name, Long.class);
    }

    /** An INTEGER argument that the parameter's bounds keep within {@code int} range. */
    public int getInt(String name) {
        return Math.toIntExact(getLong(name));
    }

    public double getDouble(String name) {
        return get(name, Double.class);
    }

    public Optional<Double> findDouble(String name) {
        return find(name, Double.class);
    }

    public boolean getBoolean(String name) {
        return get(name, Boolean.class);
    }

    public Optional<Boolean> findBoolean(String name) {
        return find(name, Boolean.class);
    }

    @SuppressWarnings("unchecked")
    public List<Object> getList(String name) {
        return get(name, List.class);
    }

    @SuppressWarnings("unchecked")
    public Optional<List<Object>> findList(String name) {
        return find(name, List.class).map(list -> (List<Object>) list);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> getMap(String name) {
        return get(name, Map.class);
    }

    @SuppressWarnings("unchecked")
    public Optional<Map<String, Object>> findMap(String name) {
        return find(name, Map.class).map(map -> (Map<String, Object>) map);
    }

    /** Any argument as its normalised Java value. */
    public Optional<Object> find(String name) {
        return Optional.ofNullable(values.get(name));
    }

    private <T> T get(String name, Class<T> type) {
        return find(name, type).orElseThrow(() -> new IllegalStateException(
                "argument '" + name + "' is absent: declare it required or give it a default"));
    }

    private <T> Optional<T> find(String name, Class<T> type) {
        @Nullable Object value = values.get(name);
        if (value == null) {
            return Optional.empty();
        }
        if (!type.isInstance(value)) {
            throw new IllegalStateException("argument '" + name + "' is a " + value.getClass().getSimpleName()
                    + ", not a " + type.getSimpleName() + ": check the parameter's declared type");
        }
        return Optional.of(type.cast(value));
    }

    @Override
    public String toString() {
        return "Arguments" + values.keySet();
    }
}
