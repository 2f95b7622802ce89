package io.kraftwerk.master.compile;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.YList;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.model.Suggestions;
import io.kraftwerk.model.validation.ModelValidator;
import io.kraftwerk.model.validation.Violation;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds a manifest attribute map to a record (a resource, a composite's spec, a nested settings
 * record) by the record's own components: the attribute {@code server_names} fills the component
 * {@code serverNames}. Then the record's Hibernate Validator constraints run, and each violation is
 * reported at the position of the offending value. One binder for every type keeps attribute
 * handling and messages uniform.
 */
final class RecordBinder {
    private static final Map<Class<?>, Schema> SCHEMAS = new ConcurrentHashMap<>();
    private static final Pattern PATH_SEGMENT = Pattern.compile("\\.?([^.\\[]+)|\\[([^]]*)]");
    private static final Object FAILED = new Object();

    private final Diagnostics diagnostics;

    RecordBinder(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    /** The attribute names of a record type, in declaration order. */
    static List<String> attributeNames(Class<?> type) {
        return schema(type).names;
    }

    /**
     * @param type        the record to build
     * @param owner       how messages name the thing, e.g. {@code file[/etc/motd]}
     * @param where       where the thing is declared (for cross-attribute and missing-attribute errors)
     * @param attributes  the attributes as written (already interpolated)
     * @param preset      component values that do not come from {@code attributes} (the title)
     * @param handledKeys keys the caller consumes itself (relationships, templates); not errors here
     * @return the valid record, or empty when anything was reported
     */
    <R> Optional<R> bind(Class<R> type, String owner, Location where, YMap attributes,
                                        Map<String, Object> preset, Collection<String> handledKeys) {
        Schema schema = schema(type);
        int errorsBefore = diagnostics.count();
        for (YMap.Entry e : attributes.entries()) {
            if (preset.containsKey(e.name())) {
                diagnostics.error(e.key().location(), owner + ": '" + e.name() + "' is given by the title",
                        "remove it; the title (the key this resource is declared under) is the " + e.name());
            } else if (!schema.names.contains(e.name()) && !handledKeys.contains(e.name())) {
                List<String> known = new ArrayList<>(schema.names);
                known.removeAll(preset.keySet());
                known.addAll(handledKeys);
                diagnostics.error(e.key().location(), "unknown attribute '" + e.name() + "' for " + owner,
                        Suggestions.closest(e.name(), known).map(s -> "did you mean '" + s + "'?")
                                .orElse("known attributes: " + String.join(", ", known)));
            }
        }
        Object[] arguments = new Object[schema.components.length];
        Set<String> unresolved = new HashSet<>();
        for (int i = 0; i < schema.components.length; i++) {
            String name = schema.names.get(i);
            RecordComponent component = schema.components[i];
            Object value;
            if (preset.containsKey(name)) {
                value = preset.get(name);
            } else {
                Optional<YNode> node = attributes.get(name);
                value = node.isEmpty() ? null : convert(node.get(), component.getGenericType(), owner, name);
            }
            if (value == FAILED) {
                unresolved.add(name);
                value = null;
            }
            arguments[i] = value == null && component.getType().isPrimitive() ? primitiveDefault(component.getType()) : value;
        }
        if (diagnostics.count() > errorsBefore) {
            return Optional.empty();
        }
        R record = construct(type, schema, arguments);
        List<Violation> violations = record instanceof Record r ? ValidRecords.validate(r) : ModelValidator.get().validate(record);
        for (Violation v : violations) {
            String attribute = v.path().split("[.\\[]", 2)[0];
            if (!unresolved.contains(attribute)) {
                report(v, owner, where, attributes);
            }
        }
        return diagnostics.count() > errorsBefore ? Optional.empty() : Optional.of(record);
    }

    private void report(Violation v, String owner, Location where, YMap attributes) {
        if (v.crossField()) {
            diagnostics.error(where, owner + ": " + v.message(), null);
            return;
        }
        Optional<YNode> node = locate(attributes, v.path(), true);
        Location at = locate(attributes, v.path(), false).map(YNode::location).orElse(where);
        if ((node.isEmpty() || (node.get() instanceof YScalar s && s.isNull())) && v.message().equals("must not be null")) {
            diagnostics.error(at, owner + ": missing required attribute '" + v.path() + "'",
                    "add '" + v.path() + ":' to the declaration");
            return;
        }
        boolean secret = v.path().startsWith("content") || v.path().startsWith("env");
        String shown = secret ? "" : node.filter(n -> n instanceof YScalar s && !s.isSecret())
                .map(n -> " (got '" + ((YScalar) n).text() + "')").orElse("");
        diagnostics.error(at, owner + ": '" + v.path() + "' " + v.message() + shown, null);
    }

    /**
     * Follows a violation path such as {@code tls.key} or {@code server_names[1]} into the YAML.
     *
     * @param exact true: the node at the whole path or empty; false: the deepest node on the way
     *              (empty when not even the attribute is written)
     */
    private static Optional<YNode> locate(YMap attributes, String path, boolean exact) {
        YNode current = attributes;
        Matcher m = PATH_SEGMENT.matcher(path);
        while (m.find()) {
            String segment = m.group(1) != null ? m.group(1) : m.group(2);
            Optional<YNode> next = Lookup.child(current, segment);
            if (next.isEmpty()) {
                return exact || current == attributes ? Optional.empty() : Optional.of(current);
            }
            current = next.get();
        }
        return Optional.of(current);
    }

    private Object convert(YNode node, Type type, String owner, String name) {
        if (node instanceof YScalar s && s.isFailed()) {
            return FAILED;
        }
        if (node instanceof YScalar s && s.isNull()) {
            return null;
        }
        Class<?> raw = rawClass(type);
        if (raw == String.class) {
            return node instanceof YScalar s ? s.text() : mismatch(node, "a string", owner, name);
        }
        if (raw == Integer.class || raw == int.class) {
            if (node instanceof YScalar s && s.text().matches("-?[0-9]{1,9}")) {
                return Integer.parseInt(s.text());
            }
            return mismatch(node, "a whole number", owner, name);
        }
        if (raw == Boolean.class || raw == boolean.class) {
            if (node instanceof YScalar s && (s.text().equals("true") || s.text().equals("false"))) {
                return Boolean.parseBoolean(s.text());
            }
            return mismatch(node, "true or false", owner, name);
        }
        if (raw.isEnum()) {
            return enumValue(node, raw, owner, name);
        }
        if (List.class.isAssignableFrom(raw)) {
            if (!(node instanceof YList list)) {
                return mismatch(node, "a list", owner, name);
            }
            Type item = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<Object> out = new ArrayList<>(list.items().size());
            for (int i = 0; i < list.items().size(); i++) {
                Object value = convert(list.items().get(i), item, owner, name + "[" + i + "]");
                if (value == FAILED) {
                    return FAILED;
                }
                out.add(value);
            }
            return out;
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (!(node instanceof YMap map)) {
                return mismatch(node, "a map", owner, name);
            }
            Type valueType = ((ParameterizedType) type).getActualTypeArguments()[1];
            Map<String, Object> out = SortedMap.class.isAssignableFrom(raw) ? new TreeMap<>() : new LinkedHashMap<>();
            for (YMap.Entry e : map.entries()) {
                Object value = convert(e.value(), valueType, owner, name + "." + e.name());
                if (value == FAILED) {
                    return FAILED;
                }
                out.put(e.name(), value);
            }
            return out;
        }
        if (raw.isRecord()) {
            if (!(node instanceof YMap map)) {
                return mismatch(node, "a map", owner, name);
            }
            @SuppressWarnings("unchecked")
            Class<? extends Record> nested = (Class<? extends Record>) raw;
            int before = diagnostics.count();
            Object[] args = nestedArguments(nested, map, owner + " " + name);
            return diagnostics.count() > before ? FAILED : construct(nested, schema(nested), args);
        }
        throw new IllegalStateException("attribute type " + type + " is not bindable (this is a Kraftwerk bug, please report it)");
    }

    /** Nested records (such as {@code tls}) are validated with their parent, so only shape is checked here. */
    private Object[] nestedArguments(Class<? extends Record> type, YMap map, String owner) {
        Schema schema = schema(type);
        for (YMap.Entry e : map.entries()) {
            if (!schema.names.contains(e.name())) {
                diagnostics.error(e.key().location(), "unknown attribute '" + e.name() + "' in " + owner,
                        Suggestions.closest(e.name(), schema.names).map(s -> "did you mean '" + s + "'?")
                                .orElse("known attributes: " + String.join(", ", schema.names)));
            }
        }
        Object[] args = new Object[schema.components.length];
        for (int i = 0; i < args.length; i++) {
            RecordComponent component = schema.components[i];
            Optional<YNode> node = map.get(schema.names.get(i));
            Object value = node.isEmpty() ? null : convert(node.get(), component.getGenericType(), owner, schema.names.get(i));
            args[i] = value == FAILED ? null : value;
            if (args[i] == null && component.getType().isPrimitive()) {
                args[i] = primitiveDefault(component.getType());
            }
        }
        return args;
    }

    private Object enumValue(YNode node, Class<?> type, String owner, String name) {
        Map<String, Object> byWireName = new LinkedHashMap<>();
        for (Object constant : type.getEnumConstants()) {
            byWireName.put(wireName((Enum<?>) constant), constant);
        }
        if (node instanceof YScalar s && byWireName.containsKey(s.text())) {
            return byWireName.get(s.text());
        }
        String got = node instanceof YScalar s ? s.shown() : node.describe();
        String hint = node instanceof YScalar s && !s.isSecret()
                ? Suggestions.closest(s.text(), byWireName.keySet()).map(x -> "did you mean '" + x + "'?").orElse(null)
                : null;
        diagnostics.error(node.location(), owner + ": '" + name + "' must be one of "
                + String.join(", ", byWireName.keySet()) + ", not " + got, hint);
        return FAILED;
    }

    static String wireName(Enum<?> constant) {
        try {
            JsonProperty p = constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class);
            return p != null ? p.value() : constant.name().toLowerCase();
        } catch (NoSuchFieldException e) {
            return constant.name().toLowerCase();
        }
    }

    private Object mismatch(YNode node, String expected, String owner, String name) {
        String got = node instanceof YScalar s ? s.shown() : node.describe();
        diagnostics.error(node.location(), owner + ": '" + name + "' must be " + expected + ", not " + got, null);
        return FAILED;
    }

    private static Class<?> rawClass(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static Object primitiveDefault(Class<?> type) {
        return type == boolean.class ? Boolean.FALSE : Integer.valueOf(0);
    }

    private static <R> R construct(Class<R> type, Schema schema, Object[] arguments) {
        try {
            @SuppressWarnings("unchecked")
            Constructor<R> constructor = (Constructor<R>) schema.constructor;
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName() + ": " + e.getCause()
                    + " (this is a Kraftwerk bug, please report it)", e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getSimpleName()
                    + " (this is a Kraftwerk bug, please report it)", e);
        }
    }

    private static Schema schema(Class<?> type) {
        return SCHEMAS.computeIfAbsent(type, Schema::of);
    }

    /** The components of a record, their attribute names and its canonical constructor. */
    private record Schema(RecordComponent[] components, List<String> names, Constructor<?> constructor) {
        static Schema of(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            List<String> names = new ArrayList<>();
            Class<?>[] parameterTypes = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                names.add(ModelValidator.snakeCase(components[i].getName()));
                parameterTypes[i] = components[i].getType();
            }
            try {
                return new Schema(components, List.copyOf(names), type.getDeclaredConstructor(parameterTypes));
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type + " has no canonical constructor", e);
            }
        }
    }
}
