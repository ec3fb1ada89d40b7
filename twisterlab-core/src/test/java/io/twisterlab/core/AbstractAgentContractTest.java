package io.twisterlab.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link CoreAgent} meets. Extend it in your agent's tests and implement {@link #createAgent()}:
 *
 * <pre>{@code
 * class GreeterAgentContractTest extends AbstractAgentContractTest {
 *     protected CoreAgent createAgent() { return new GreeterAgent(); }
 * }
 * }</pre>
 *
 * <p>The agent is started before each test and stopped after it. The checks never run a capability with valid
 * arguments (that may have side effects); they check descriptors, schemas, and how invalid calls are refused.
 */
public abstract class AbstractAgentContractTest {
    private static final Set<String> JSON_TYPES = Set.of("string", "integer", "number", "boolean", "array", "object");

    protected CoreAgent agent;

    /** A fresh agent for each test. */
    protected abstract CoreAgent createAgent();

    @BeforeEach
    void startAgent() {
        agent = createAgent();
        agent.start();
    }

    @AfterEach
    void stopAgent() {
        agent.stop();
    }

    @Test
    void descriptorIsComplete() {
        assertThat(agent.name()).matches("[a-z][a-z0-9_-]{0,63}");
        assertThat(agent.description()).isNotBlank();
        assertThat(agent.version()).isNotBlank();
        assertThat(agent.capabilities()).isNotEmpty();
    }

    @Test
    void capabilitiesAreUniqueAndDescribed() {
        Set<String> names = new HashSet<>();
        for (Capability capability : agent.capabilities()) {
            assertThat(names.add(capability.name())).as("duplicate capability %s", capability.name()).isTrue();
            assertThat(capability.name()).matches("[a-z][a-z0-9_]{0,63}");
            assertThat(capability.description()).as("description of %s", capability.name()).isNotBlank();
            assertThat(agent.capability(capability.name())).containsSame(capability);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyInputSchemaIsAClosedObjectSchema() {
        for (Capability capability : agent.capabilities()) {
            Map<String, Object> schema = capability.inputSchema();
            assertThat(schema).containsEntry("type", "object").containsEntry("additionalProperties", false);
            Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
            List<String> required = (List<String>) schema.get("required");
            assertThat(properties.keySet()).containsExactlyElementsOf(
                    capability.params().stream().map(Param::name).toList());
            assertThat(properties.keySet()).containsAll(required);
            for (Map.Entry<String, Object> property : properties.entrySet()) {
                Map<String, Object> propertySchema = (Map<String, Object>) property.getValue();
                if (capability.param(property.getKey()).orElseThrow().type() == ParamType.ANY) {
                    assertThat(propertySchema).as("%s.%s accepts any JSON value", capability.name(),
                            property.getKey()).doesNotContainKey("type");
                    continue;
                }
                assertThat(JSON_TYPES).as("type of %s.%s", capability.name(), property.getKey())
                        .contains((String) propertySchema.get("type"));
            }
        }
    }

    @Test
    void unknownCapabilityIsAProtocolFault() {
        assertThatThrownBy(() -> agent.execute(AgentCall.of("no_such_capability_xyz", Map.of())))
                .isInstanceOf(CapabilityNotFoundException.class)
                .hasMessageContaining("no_such_capability_xyz");
    }

    @Test
    void unknownArgumentsAreRejectedBeforeTheHandlerRuns() {
        for (Capability capability : agent.capabilities()) {
            Map<String, Object> arguments = new HashMap<>(validDefaults(capability));
            arguments.put("zz_not_a_parameter", 1);
            assertThatThrownBy(() -> agent.execute(AgentCall.of(capability.name(), arguments)))
                    .as(capability.name())
                    .isInstanceOfSatisfying(InvalidArgumentsException.class, e -> assertThat(e.violations())
                            .extracting(Violation::field, Violation::code)
                            .contains(org.assertj.core.groups.Tuple.tuple("zz_not_a_parameter", Violation.UNKNOWN)));
        }
    }

    @Test
    void missingRequiredArgumentsAreAllReported() {
        for (Capability capability : agent.capabilities()) {
            List<String> required = capability.params().stream().filter(Param::required).map(Param::name).toList();
            if (required.isEmpty()) {
                continue;
            }
            assertThatThrownBy(() -> agent.execute(AgentCall.of(capability.name(), Map.of())))
                    .as(capability.name())
                    .isInstanceOfSatisfying(InvalidArgumentsException.class, e -> assertThat(e.violations())
                            .filteredOn(v -> v.code().equals(Violation.MISSING))
                            .extracting(Violation::field)
                            .containsExactlyInAnyOrderElementsOf(required));
        }
    }

    @Test
    void wronglyTypedArgumentsAreRejected() {
        for (Capability capability : agent.capabilities()) {
            for (Param param : capability.params().stream().filter(p -> p.type() != ParamType.ANY).toList()) {
                Map<String, Object> arguments = new HashMap<>(validDefaults(capability));
                arguments.put(param.name(), wrongValueFor(param.type()));
                assertThatThrownBy(() -> agent.execute(AgentCall.of(capability.name(), arguments)))
                        .as("%s.%s", capability.name(), param.name())
                        .isInstanceOfSatisfying(InvalidArgumentsException.class, e -> assertThat(e.violations())
                                .extracting(Violation::field).contains(param.name()));
            }
        }
    }

    /**
     * {@code health()} is what {@code /health} and the registry report: it must never throw (a failing check is a
     * status, not an exception), must say what was checked, and its details must be JSON-like (strings, numbers,
     * booleans, lists and string-keyed maps of those) so that they serialise as they are. Asked several times, as
     * a probe does. No timing is asserted here: a health check's latency belongs in the agent's own tests.
     */
    @Test
    void healthIsAMeaningfulReportAndNeverThrows() {
        for (int i = 0; i < 3; i++) {
            AgentHealth health;
            try {
                health = agent.health();
            } catch (RuntimeException e) {
                throw new AssertionError("health() must report a failure as a status, not throw", e);
            }
            assertThat(health).as("health()").isNotNull();
            assertThat(health.status()).as("status").isNotNull();
            assertThat(health.message()).as("message: what was checked and what was found").isNotBlank();
            assertJsonLike("details", health.details());
        }
    }

    private static void assertJsonLike(String path, Object value) {
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                assertThat(entry.getKey()).as("key in %s", path).isInstanceOf(String.class);
                assertJsonLike(path + "." + entry.getKey(), entry.getValue());
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                assertJsonLike(path + "[" + i + "]", list.get(i));
            }
        } else {
            assertThat(value).as("%s is a JSON value (string, number, boolean, list or map)", path)
                    .isInstanceOfAny(String.class, Number.class, Boolean.class);
            if (value instanceof Double d) {
                assertThat(d).as("%s is a finite number", path).isFinite();
            }
            if (value instanceof Float f) {
                assertThat(f).as("%s is a finite number", path).isFinite();
            }
        }
    }

    /** Values for required parameters that pass type checks, so other violations can be isolated. */
    private static Map<String, Object> validDefaults(Capability capability) {
        Map<String, Object> values = new HashMap<>();
        for (Param param : capability.params()) {
            if (param.required()) {
                values.put(param.name(), plausibleValueFor(param));
            }
        }
        return values;
    }

    private static Object plausibleValueFor(Param param) {
        if (!param.allowedValues().isEmpty()) {
            return param.allowedValues().get(0);
        }
        return switch (param.type()) {
            case STRING, ANY -> "x";
            case INTEGER -> param.minimum().map(Double::longValue).orElse(1L);
            case NUMBER -> param.minimum().orElse(1.0);
            case BOOLEAN -> true;
            case ARRAY -> List.of();
            case OBJECT -> Map.of();
        };
    }

    private static Object wrongValueFor(ParamType type) {
        return switch (type) {
            case STRING, INTEGER, NUMBER, ARRAY, OBJECT -> true;
            case BOOLEAN -> "true";
            case ANY -> throw new IllegalArgumentException("every JSON value is valid for ANY");
        };
    }
}
