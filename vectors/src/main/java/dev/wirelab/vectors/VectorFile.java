package dev.wirelab.vectors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.wirelab.engine.Bytes;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;

/**
 * Reads a vector file from the classpath into records. JSON names are snake_case, hex strings
 * become {@link Bytes}. Reading is strict: an unknown field is an error (a misspelt field would
 * otherwise be ignored and its case checked against a default), and so is a missing field unless
 * its component is {@link MayBeAbsent}. Records therefore use boxed types: a missing primitive
 * would silently read as 0 or false.
 */
final class VectorFile {
    static final String RESOURCE_DIRECTORY = "/dev/wirelab/vectors/";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .addModule(new SimpleModule("hex").addDeserializer(Bytes.class, new HexDeserializer()))
            .build();

    private VectorFile() {}

    /** Loads {@code name} from {@link #RESOURCE_DIRECTORY}; throws IllegalStateException naming the file and the field. */
    static <T extends Record> T load(String name, Class<T> type) {
        try (InputStream in = VectorFile.class.getResourceAsStream(RESOURCE_DIRECTORY + name)) {
            if (in == null) {
                throw new IllegalStateException("vector file " + name + " is not on the classpath under " + RESOURCE_DIRECTORY);
            }
            T file = MAPPER.readValue(in, type);
            requireComplete(name, file, "");
            return file;
        } catch (IOException e) {
            throw new IllegalStateException("vector file " + name + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void requireComplete(String file, Object value, String path) {
        if (value instanceof Record record) {
            for (RecordComponent component : record.getClass().getRecordComponents()) {
                Object field = read(component, record);
                String fieldPath = path.isEmpty() ? component.getName() : path + "." + component.getName();
                if (field == null) {
                    if (!component.isAnnotationPresent(MayBeAbsent.class)) {
                        throw new IllegalStateException("vector file " + file + ": " + fieldPath + " is missing");
                    }
                } else {
                    requireComplete(file, field, fieldPath);
                }
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == null) {
                    throw new IllegalStateException("vector file " + file + ": " + path + "[" + i + "] is null");
                }
                requireComplete(file, list.get(i), path + "[" + i + "]");
            }
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (v == null) {
                    throw new IllegalStateException("vector file " + file + ": " + path + "." + k + " is null");
                }
                requireComplete(file, v, path + "." + k);
            });
        }
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component, e);
        }
    }

    private static final class HexDeserializer extends StdScalarDeserializer<Bytes> {
        HexDeserializer() {
            super(Bytes.class);
        }

        @Override
        public Bytes deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = parser.getValueAsString();
            if (text == null) {
                return (Bytes) context.handleUnexpectedToken(Bytes.class, parser);
            }
            try {
                return Bytes.fromHex(text);
            } catch (IllegalArgumentException e) {
                return (Bytes) context.handleWeirdStringValue(Bytes.class, text, "not hex: " + e.getMessage());
            }
        }
    }
}
