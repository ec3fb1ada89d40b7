package io.twisterlab.core;

import io.twisterlab.core.internal.ArgumentValidator;
import io.twisterlab.core.internal.JsonSchemas;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A named operation of an agent: description, {@link CapabilityKind kind}, typed {@link Param parameters}, an
 * optional timeout and the {@link CapabilityHandler handler}. Immutable.
 *
 * <p>The parameters are the single source of truth for validation ({@link #validate(Map)}) and for the JSON
 * Schema ({@link #inputSchema()}) that the HTTP API, OpenAPI and MCP publish.
 *
 * <pre>{@code
 * Capability echo = Capability.query("echo")
 *         .description("Returns its input")
 *         .param(Param.builder("text", ParamType.STRING).required().maxLength(100).build())
 *         .handler(inv -> Map.of("text", inv.arguments().getString("text")));
 * }</pre>
 */
public final class Capability {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    private final String name;
    private final String description;
    private final CapabilityKind kind;
    private final List<Param> params;
    private final @Nullable Duration timeout;
    private final CapabilityHandler handler;
    private final Map<String, Object> inputSchema;

    private Capability(Builder b, CapabilityHandler handler) {
        this.name = b.name;
        this.description = b.description;
        this.kind = b.kind;
        this.params = List.copyOf(b.params);
        this.timeout = b.timeout;
        this.handler = handler;
        this.inputSchema = JsonSchemas.objectSchema(params);
    }

    /** Starts a read-only capability. */
    public static Builder query(String name) {
        return new Builder(name, CapabilityKind.QUERY, null);
    }

    /** Starts a state-changing capability. */
    public static Builder action(String name) {
        return new Builder(name, CapabilityKind.ACTION, null);
    }

    /** A builder that hands the finished capability to {@code sink}; used by {@link AbstractCoreAgent}. */
    static Builder builder(String name, CapabilityKind kind, Consumer<Capability> sink) {
        return new Builder(name, kind, sink);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    public CapabilityKind kind() {
        return kind;
    }

    public List<Param> params() {
        return params;
    }

    public Optional<Param> param(String name) {
        return params.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** The timeout declared for this capability; the registry's default applies when empty. */
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    public CapabilityHandler handler() {
        return handler;
    }

    /**
     * The JSON Schema (draft 2020-12 subset) of this capability's arguments: {@code type: object},
     * {@code properties}, {@code required}, {@code additionalProperties: false}. An unmodifiable JSON-like map.
     */
    public Map<String, Object> inputSchema() {
        return inputSchema;
    }

    /**
     * Validates raw arguments: applies defaults, normalises types, and reports every violation at once.
     *
     * @throws InvalidArgumentsException listing all violations
     */
    public Arguments validate(Map<String, ?> rawArguments) {
        List<Violation> violations = new ArrayList<>();
        LinkedHashMap<String, Object> values = ArgumentValidator.validate(params, rawArguments, violations);
        if (!violations.isEmpty()) {
            throw new InvalidArgumentsException(name, violations);
        }
        return Arguments.of(values);
    }

    @Override
    public String toString() {
        return "Capability[" + name + ", " + kind + ", " + params + "]";
    }

    /**
     * Validated builder; {@link #handler(CapabilityHandler)} is the terminal step that builds the capability.
     */
    public static final class Builder {
        private final String name;
        private final CapabilityKind kind;
        private final @Nullable Consumer<Capability> sink;
        private String description = "";
        private final List<Param> params = new ArrayList<>();
        private final Set<String> paramNames = new HashSet<>();
        private @Nullable Duration timeout;

        private Builder(String name, CapabilityKind kind, @Nullable Consumer<Capability> sink) {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("capability name '" + name + "' must be snake_case matching "
                        + NAME.pattern());
            }
            this.name = name;
            this.kind = Objects.requireNonNull(kind, "kind");
            this.sink = sink;
        }

        public Builder description(String description) {
            this.description = Objects.requireNonNull(description, "description");
            return this;
        }

        public Builder param(Param param) {
            if (!paramNames.add(param.name())) {
                throw new IllegalArgumentException("capability '" + name + "' declares parameter '" + param.name()
                        + "' twice");
            }
            params.add(param);
            return this;
        }

        /** Shorthand for {@code param(Param.builder(name, type).description(description).build())}. */
        public Builder param(String paramName, ParamType type, String paramDescription) {
            return param(Param.builder(paramName, type).description(paramDescription).build());
        }

        /** Shorthand for a required parameter without default. */
        public Builder requiredParam(String paramName, ParamType type, String paramDescription) {
            return param(Param.builder(paramName, type).description(paramDescription).required().build());
        }

        /** Fails the call with {@code timeout} if the handler runs longer than this. */
        public Builder timeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** Sets the handler and builds the capability. */
        public Capability handler(CapabilityHandler handler) {
            Capability capability = new Capability(this, Objects.requireNonNull(handler, "handler"));
            if (sink != null) {
                sink.accept(capability);
            }
            return capability;
        }
    }
}
