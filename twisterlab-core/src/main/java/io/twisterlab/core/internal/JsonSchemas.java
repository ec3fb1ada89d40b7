package io.twisterlab.core.internal;

import io.twisterlab.core.Param;
import io.twisterlab.core.ParamType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Derives JSON Schema (draft 2020-12 subset) maps from parameter declarations. */
public final class JsonSchemas {
    private JsonSchemas() {
    }

    /** {@code {"type":"object","properties":{...},"required":[...],"additionalProperties":false}}. */
    public static Map<String, Object> objectSchema(List<Param> params) {
        Map<String, Object> properties = new LinkedHashMap<>();
        List<String> required = new ArrayList<>();
        for (Param param : params) {
            properties.put(param.name(), propertySchema(param));
            if (param.required()) {
                required.add(param.name());
            }
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Collections.unmodifiableMap(properties));
        schema.put("required", List.copyOf(required));
        schema.put("additionalProperties", false);
        return Collections.unmodifiableMap(schema);
    }

    private static Map<String, Object> propertySchema(Param param) {
        Map<String, Object> schema = new LinkedHashMap<>();
        if (param.type() != ParamType.ANY) {
            schema.put("type", param.type().jsonType());
        }
        if (!param.description().isEmpty()) {
            schema.put("description", param.description());
        }
        param.defaultValue().ifPresent(value -> schema.put("default", value));
        if (!param.allowedValues().isEmpty()) {
            schema.put("enum", param.allowedValues());
        }
        boolean integer = param.type() == ParamType.INTEGER;
        param.minimum().ifPresent(min -> schema.put("minimum", integer ? (Object) (long) Math.ceil(min) : min));
        param.maximum().ifPresent(max -> schema.put("maximum", integer ? (Object) (long) Math.floor(max) : max));
        param.maxLength().ifPresent(max -> schema.put("maxLength", max));
        param.itemType().ifPresent(type -> schema.put("items", Map.of("type", type.jsonType())));
        param.maxItems().ifPresent(max -> schema.put("maxItems", max));
        return Collections.unmodifiableMap(schema);
    }
}
