package dev.switchboard.agent.sdk.definition;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** JSON schemas of tool parameter types, derived from their Java types by reflection. */
final class JsonSchemas {

    private static final Set<Class<?>> INTEGERS = Set.of(byte.class, short.class, int.class, long.class,
            Byte.class, Short.class, Integer.class, Long.class, BigInteger.class);
    private static final Set<Class<?>> NUMBERS = Set.of(float.class, double.class, Float.class, Double.class,
            BigDecimal.class);

    private JsonSchemas() {
    }

    /** The name of the first type inside {@code type} that has no JSON schema, or null when all have one. */
    static String unsupportedType(Type type) {
        return unsupported(type, new HashSet<>());
    }

    private static String unsupported(Type type, Set<Class<?>> enclosingRecords) {
        if (type instanceof ParameterizedType parameterized) {
            Class<?> raw = (Class<?>) parameterized.getRawType();
            if (raw == List.class || raw == Set.class) {
                return unsupported(parameterized.getActualTypeArguments()[0], enclosingRecords);
            }
            return raw.getCanonicalName();
        }
        if (!(type instanceof Class<?> cls)) {
            return type.getTypeName();
        }
        if (cls == String.class || cls == boolean.class || cls == Boolean.class || INTEGERS.contains(cls)
                || NUMBERS.contains(cls) || cls.isEnum()) {
            return null;
        }
        if (cls.isRecord() && cls.getTypeParameters().length == 0 && enclosingRecords.add(cls)) {
            for (RecordComponent component : cls.getRecordComponents()) {
                String problem = unsupported(component.getGenericType(), enclosingRecords);
                if (problem != null) {
                    return problem;
                }
            }
            enclosingRecords.remove(cls);
            return null;
        }
        return cls.getCanonicalName() == null ? cls.getName() : cls.getCanonicalName();
    }

    /** The schema of a supported type; call {@link #unsupportedType(Type)} first. */
    static ObjectNode schema(ObjectMapper mapper, Type type) {
        ObjectNode schema = mapper.createObjectNode();
        if (type instanceof ParameterizedType parameterized) {
            schema.put("type", "array");
            schema.set("items", schema(mapper, parameterized.getActualTypeArguments()[0]));
            if (parameterized.getRawType() == Set.class) {
                schema.put("uniqueItems", true);
            }
            return schema;
        }
        Class<?> cls = (Class<?>) type;
        if (cls == String.class) {
            schema.put("type", "string");
        } else if (cls == boolean.class || cls == Boolean.class) {
            schema.put("type", "boolean");
        } else if (INTEGERS.contains(cls)) {
            schema.put("type", "integer");
        } else if (NUMBERS.contains(cls)) {
            schema.put("type", "number");
        } else if (cls.isEnum()) {
            schema.put("type", "string");
            ArrayNode values = schema.putArray("enum");
            for (Object constant : cls.getEnumConstants()) {
                values.add(((Enum<?>) constant).name());
            }
        } else {
            schema.put("type", "object");
            ObjectNode properties = schema.putObject("properties");
            ArrayNode required = schema.putArray("required");
            for (RecordComponent component : cls.getRecordComponents()) {
                properties.set(component.getName(), schema(mapper, component.getGenericType()));
                required.add(component.getName());
            }
            schema.put("additionalProperties", false);
        }
        return schema;
    }
}
