package org.greenspoof.checkpoint;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.greenspoof.io.FileFormatException;
import org.greenspoof.io.JsonErrors;

/**
 * Binds a JSON object of Hugging Face's snake_case keys onto a class of public camelCase fields that
 * start at their defaults: a missing or null key keeps the default, unknown keys are ignored (real
 * configs hold dozens), a repeated key is refused (which of the two would count is a guess), and
 * nothing is coerced ("768" is no integer, 5 no string, 1 no boolean). A value of the wrong type is
 * a clear error: "key: expected a positive integer, found "768"", or for an entry of a map field
 * "key entry 'name': expected a string, found 5".
 * Ranges are the caller's to check. Package-private: no Jackson type is part of the public API.
 */
final class JsonBinding {

    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;
    private static final Map<Class<?>, String> EXPECTED = Map.of(String.class, "a string", int[].class,
            "an array of positive integers", boolean.class, "true or false", Boolean.class, "true or false", int.class,
            "a positive integer", Integer.class, "a positive integer", double.class, "a positive number", Map.class,
            "an object");
    private static final ObjectMapper MAPPER = mapper();

    private JsonBinding() {
    }

    private static ObjectMapper mapper() {
        ObjectMapper m = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .defaultSetterInfo(JsonSetter.Value.construct(Nulls.SKIP, Nulls.FAIL))
                .build();
        m.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return m;
    }

    /**
     * The bytes of {@code file} parsed as one JSON object.
     *
     * @param what what the file should be ("a JSON config"), for the error
     * @throws FileFormatException naming the file and the byte offset when they are not JSON (Jackson's
     *     error, or a decoder's when the first bytes made it guess UTF-16/32) or not an object
     */
    static JsonNode readObject(Path file, byte[] bytes, String what) throws FileFormatException {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (IOException e) {
            long at = e instanceof JacksonException j && j.getLocation() != null ? Math.max(0, j.getLocation().getByteOffset()) : 0;
            throw new FileFormatException(file, at, what + " (" + JsonErrors.describe(e) + ")");
        }
        if (root == null || !root.isObject()) {
            throw new FileFormatException(file, 0, what + " (a JSON object)");
        }
        return root;
    }

    /**
     * The fields of {@code object} (a JSON object) bound onto a new {@code type}.
     *
     * @throws IllegalArgumentException naming the key, what its field holds and the value found
     */
    static <T> T bind(JsonNode object, Class<T> type) {
        try {
            return MAPPER.treeToValue(object, type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new IllegalArgumentException(mismatch(object, type, e), e);
        }
    }

    private static String mismatch(JsonNode object, Class<?> type, Exception e) {
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty() && m.getPath().get(0).getFieldName() != null) {
            List<JsonMappingException.Reference> path = m.getPath();
            String key = path.get(0).getFieldName();
            for (Field field : type.getFields()) {
                if (SNAKE.translate(field.getName()).equals(key)) {
                    if (field.getType() == Map.class && path.size() > 1 && path.get(1).getFieldName() != null) {
                        // An entry of a map: name it and its value, not the whole map (an index lists hundreds).
                        String entry = path.get(1).getFieldName();
                        Class<?> values = (Class<?>) ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[1];
                        return key + " entry '" + entry + "': expected " + EXPECTED.get(values) + ", found "
                                + object.get(key).get(entry);
                    }
                    return key + ": expected " + EXPECTED.get(field.getType()) + ", found " + object.get(key);
                }
            }
        }
        return e instanceof JacksonException je ? JsonErrors.describe(je) : e.getMessage();
    }
}
