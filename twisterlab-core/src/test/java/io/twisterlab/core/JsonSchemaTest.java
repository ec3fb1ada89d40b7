package io.twisterlab.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonSchemaTest {
    @Test
    void derivesAClosedObjectSchemaFromParameters() {
        Capability capability = Capability.query("list_processes")
                .param(Param.builder("sort_by", ParamType.STRING).description("sort key").defaultValue("cpu")
                        .allowedValues("cpu", "memory").build())
                .param(Param.builder("limit", ParamType.INTEGER).required().minimum(1).maximum(500).build())
                .param(Param.builder("name", ParamType.STRING).maxLength(64).build())
                .param(Param.builder("pids", ParamType.ARRAY).itemType(ParamType.INTEGER).maxItems(10).build())
                .param(Param.builder("ratio", ParamType.NUMBER).minimum(0.5).build())
                .handler(inv -> null);

        assertThat(capability.inputSchema()).isEqualTo(Map.of(
                "type", "object",
                "properties", Map.of(
                        "sort_by", Map.of("type", "string", "description", "sort key", "default", "cpu",
                                "enum", List.of("cpu", "memory")),
                        "limit", Map.of("type", "integer", "minimum", 1L, "maximum", 500L),
                        "name", Map.of("type", "string", "maxLength", 64),
                        "pids", Map.of("type", "array", "items", Map.of("type", "integer"), "maxItems", 10),
                        "ratio", Map.of("type", "number", "minimum", 0.5)),
                "required", List.of("limit"),
                "additionalProperties", false));
        assertThat(((Map<?, ?>) capability.inputSchema().get("properties")).keySet().toString())
                .as("declaration order is kept").isEqualTo("[sort_by, limit, name, pids, ratio]");
    }

    @Test
    void aCapabilityWithoutParametersHasAnEmptyClosedSchema() {
        Capability capability = Capability.query("ping").handler(inv -> "pong");
        assertThat(capability.inputSchema()).isEqualTo(Map.of("type", "object", "properties", Map.of(),
                "required", List.of(), "additionalProperties", false));
    }
}
