package io.kraftwerk.model.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.kraftwerk.model.Suggestions;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogCheck;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.validation.ModelValidator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one JSON mapping of catalogs and reports: snake_case names, keys sorted, every field written
 * (null included), unknown and missing fields rejected. Output is byte-stable: the same document
 * always serializes to the same bytes.
 */
public final class ModelJson {
    private static final Pattern MISSING_PROPERTY = Pattern.compile("Missing (?:required )?creator property '([^']+)'");
    private static final ObjectMapper MAPPER = createMapper();
    private static final ObjectWriter WRITER = MAPPER.writer(prettyPrinter());

    private ModelJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper createMapper() {
        JsonMapper mapper = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .serializationInclusion(JsonInclude.Include.ALWAYS)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
        for (ResourceType type : ResourceType.values()) {
            mapper.registerSubtypes(new NamedType(type.recordClass(), type.wireName()));
        }
        return mapper;
    }

    /** Two-space indent, LF line ends, {@code "key": value}: the same bytes on every platform. */
    private static DefaultPrettyPrinter prettyPrinter() {
        DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        return new DefaultPrettyPrinter(separators).withObjectIndenter(indenter).withArrayIndenter(indenter);
    }

    /** Pretty JSON with a trailing newline. */
    public static String write(Object document) {
        try {
            return WRITER.writeValueAsString(document) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialize " + document.getClass().getSimpleName()
                    + " (this is a Kraftwerk bug, please report it)", e);
        }
    }

    /** Pretty JSON with a trailing newline, as UTF-8 (without a String in between: catalogs are big). */
    public static byte[] writeBytes(Object document) {
        byte[] body = bytes(WRITER, document);
        byte[] out = Arrays.copyOf(body, body.length + 1);
        out[body.length] = '\n';
        return out;
    }

    /**
     * The same document without indentation: what the master sends over the wire, a third smaller.
     * Byte-stable like {@link #writeBytes}.
     */
    public static byte[] writeCompactBytes(Object document) {
        return bytes(MAPPER.writer(), document);
    }

    private static byte[] bytes(ObjectWriter writer, Object document) {
        try {
            return writer.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot serialize " + document.getClass().getSimpleName()
                    + " (this is a Kraftwerk bug, please report it)", e);
        }
    }

    /**
     * Reads and fully checks a catalog: format version, field names and types, constraints of every
     * resource, and the structure (ids, edges, order).
     *
     * @param source the name to show in messages, e.g. a file name or URL
     */
    public static Catalog readCatalog(byte[] json, String source) throws DocumentFormatException {
        checkFormatVersion(json, source, "catalog", Catalog.FORMAT_VERSION);
        Catalog catalog = bind(json, Catalog.class, source);
        List<String> problems = new ArrayList<>();
        ModelValidator.get().validate(catalog).forEach(v -> problems.add(source + ": " + v));
        if (problems.isEmpty()) {
            CatalogCheck.problems(catalog).forEach(p -> problems.add(source + ": " + p));
        }
        if (!problems.isEmpty()) {
            throw new DocumentFormatException(problems);
        }
        return catalog;
    }

    /** Reads and fully checks a report, as the master does before storing it. */
    public static Report readReport(byte[] json, String source) throws DocumentFormatException {
        checkFormatVersion(json, source, "report", Report.FORMAT_VERSION);
        Report report = bind(json, Report.class, source);
        List<String> problems = new ArrayList<>();
        ModelValidator.get().validate(report).forEach(v -> problems.add(source + ": " + v));
        if (!problems.isEmpty()) {
            throw new DocumentFormatException(problems);
        }
        return report;
    }

    /**
     * Checks {@code format_version} before binding so that a document from a newer Kraftwerk gets
     * "upgrade" rather than a list of unknown fields.
     */
    public static void checkFormatVersion(byte[] json, String source, String what, int supported)
            throws DocumentFormatException {
        JsonNode version;
        try {
            version = topLevelField(json, "format_version");
        } catch (IOException e) {
            throw new DocumentFormatException(List.of(describe(e, source)));
        }
        if (version == NOT_AN_OBJECT) {
            throw new DocumentFormatException(List.of(source + ": a " + what + " must be a JSON object"));
        }
        if (version == null || !version.isInt()) {
            throw new DocumentFormatException(List.of(source + ": missing or non-integer field 'format_version' (a "
                    + what + " of format " + supported + " starts with \"format_version\": " + supported + ")"));
        }
        if (version.intValue() != supported) {
            String advice = version.intValue() > supported
                    ? "it was written by a newer Kraftwerk; upgrade this program"
                    : "it was written by an older Kraftwerk; recompile or resend it";
            throw new DocumentFormatException(List.of(source + ": " + what + " format_version " + version.intValue()
                    + " is not supported (this program reads version " + supported + "; " + advice + ")"));
        }
    }

    /** A marker compared by identity: no document can produce this very instance. */
    private static final JsonNode NOT_AN_OBJECT = new TextNode("not an object");

    /**
     * One top-level field, found by streaming past everything else: checking the version of a
     * large catalog costs a scan, not a second full parse.
     */
    private static JsonNode topLevelField(byte[] json, String name) throws IOException {
        try (JsonParser parser = MAPPER.createParser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return NOT_AN_OBJECT;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if (field.equals(name)) {
                    return parser.currentToken() == JsonToken.VALUE_NUMBER_INT
                            ? IntNode.valueOf(parser.getIntValue())
                            : TextNode.valueOf(parser.getText());
                }
                parser.skipChildren();
            }
            return null;
        }
    }

    /** Binds JSON to a model type, turning Jackson's exceptions into one precise problem. */
    public static <T> T bind(byte[] json, Class<T> type, String source) throws DocumentFormatException {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new DocumentFormatException(List.of(describe(e, source)));
        }
    }

    static String describe(IOException e, String source) {
        String where = source;
        if (e instanceof JsonProcessingException jpe) {
            JsonLocation loc = jpe.getLocation();
            if (loc != null && loc.getLineNr() > 0) {
                where = source + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
            }
        }
        if (!(e instanceof JsonMappingException jme)) {
            String original = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            return where + ": malformed JSON: " + original;
        }
        String path = path(jme);
        String prefix = where + ": " + (path.isEmpty() ? "" : path + ": ");
        if (e instanceof UnrecognizedPropertyException u) {
            List<String> known = u.getKnownPropertyIds() == null ? List.of()
                    : u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            String name = u.getPropertyName();
            return prefix + "unknown field '" + name + "'" + Suggestions.didYouMean(name, known)
                    + (known.isEmpty() ? "" : "; known fields: " + String.join(", ", known));
        }
        if (e instanceof InvalidTypeIdException t) {
            String id = t.getTypeId();
            if (id == null) {
                return prefix + "missing field 'type' (one of: " + String.join(", ", ResourceType.wireNames()) + ")";
            }
            return prefix + "unknown resource type '" + id + "'" + Suggestions.didYouMean(id, ResourceType.wireNames())
                    + "; known types: " + String.join(", ", ResourceType.wireNames());
        }
        if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
            List<String> allowed = enumWireNames(f.getTargetType());
            String value = String.valueOf(f.getValue());
            return prefix + "'" + value + "' is not one of " + String.join(", ", allowed)
                    + Suggestions.didYouMean(value, allowed);
        }
        String original = jme.getOriginalMessage();
        Matcher missing = MISSING_PROPERTY.matcher(original == null ? "" : original);
        if (missing.find()) {
            // Jackson's path ends at the missing field itself; name the object that lacks it
            String name = missing.group(1);
            String owner = path.endsWith("." + name) ? path.substring(0, path.length() - name.length() - 1)
                    : path.equals(name) ? "" : path;
            return where + ": " + (owner.isEmpty() ? "" : owner + ": ") + "missing field '" + name + "'";
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return prefix + "wrong type: expected " + describeType(m.getTargetType());
        }
        return prefix + firstLine(original);
    }

    private static String path(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.toString();
    }

    private static List<String> enumWireNames(Class<?> enumType) {
        return Arrays.stream(enumType.getEnumConstants()).map(c -> {
            try {
                var annotation = enumType.getField(((Enum<?>) c).name())
                        .getAnnotation(JsonProperty.class);
                return annotation != null ? annotation.value() : ((Enum<?>) c).name();
            } catch (NoSuchFieldException ex) {
                return ((Enum<?>) c).name();
            }
        }).toList();
    }

    private static String describeType(Class<?> type) {
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object";
        }
        return type.getSimpleName();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid value";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
