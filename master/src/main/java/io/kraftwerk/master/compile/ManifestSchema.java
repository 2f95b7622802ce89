package io.kraftwerk.master.compile;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kraftwerk.master.compile.composite.WsgiApp;
import io.kraftwerk.master.compile.composite.WsgiAppSpec;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.validation.ModelValidator;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON Schema of manifest files, made from what the compiler accepts: the resource records
 * (attribute names, types, enums, which attributes have no default), the relationship and template
 * keys, the keys of site.yaml, roles and data; with the meaning of each attribute taken from the
 * tables of docs/manifest-reference.md, so that editors show it. Patterns are left out on purpose:
 * any value may be a {@code ${...}} interpolation, and Java's and editors' regular expressions differ.
 */
public final class ManifestSchema {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\|(.*)\\|\\s*$");
    private static final String INTERPOLATION = "#/$defs/interpolation";

    private final String reference;

    /** @param reference the text of docs/manifest-reference.md, for the attributes' descriptions */
    private ManifestSchema(String reference) {
        this.reference = reference;
    }

    /** The schema as the file docs/schema/manifest.schema.json holds it. */
    public static String generate(String reference) {
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(new ManifestSchema(reference).schema()) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the manifest schema", e);
        }
    }

    private ObjectNode schema() {
        ObjectNode root = JSON.objectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("title", "Kraftwerk manifest");
        root.put("description", "site.yaml, roles/*.yaml and data/**.yaml of a Kraftwerk site (kind: Site, Role or Data)");
        root.put("type", "object");
        root.set("required", strings(List.of("apiVersion", "kind")));
        ObjectNode properties = root.putObject("properties");
        properties.putObject("apiVersion").put("const", "kraftwerk/v1");
        properties.putObject("kind").set("enum", strings(List.of("Site", "Role", "Data")));
        ArrayNode kinds = root.putArray("allOf");
        for (String kind : List.of("Site", "Role", "Data")) {
            ObjectNode rule = kinds.addObject();
            rule.putObject("if").putObject("properties").putObject("kind").put("const", kind);
            rule.putObject("then").put("$ref", "#/$defs/" + kind.toLowerCase());
        }
        ObjectNode defs = root.putObject("$defs");
        defs.putObject("interpolation").put("type", "string").put("pattern", "\\$\\{[^}]+\\}")
                .put("description", "a value from data, facts or the node: ${data.key}, ${facts.os.codename}, ${node.name}");
        defs.set("site", site());
        defs.set("rule", rule());
        defs.set("role", role());
        defs.set("data", document(Map.of("data", JSON.objectNode().put("type", "object")
                .put("description", "keys and values that manifests read as ${data.KEY}"))));
        defs.set("references", anyOf(JSON.objectNode().put("type", "string"),
                JSON.objectNode().put("type", "array").set("items", JSON.objectNode().put("type", "string"))));
        for (ResourceType type : ResourceType.values()) {
            defs.set(type.wireName(), attributes(type.wireName(), type.recordClass()));
        }
        defs.set(WsgiApp.TYPE, attributes(WsgiApp.TYPE, WsgiAppSpec.class));
        return root;
    }

    private ObjectNode site() {
        Map<String, JsonNode> keys = new LinkedHashMap<>();
        keys.put("default_environment", JSON.objectNode().put("type", "string").put("description", "the environment (git branch) of a node no rule gives one"));
        keys.put("nodes", JSON.objectNode().put("type", "array").put("description", "rules that classify nodes; every rule that matches applies")
                .set("items", JSON.objectNode().put("$ref", "#/$defs/rule")));
        ObjectNode query = JSON.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode properties = query.putObject("properties");
        for (String key : FleetQueryParser.KEYS) {
            properties.set(key, switch (key) {
                case "fields", "include" -> JSON.objectNode().put("type", "array").set("items", JSON.objectNode().put("type", "string"));
                default -> JSON.objectNode().put("type", "string");
            });
        }
        ObjectNode fleet = JSON.objectNode().put("type", "object")
                .put("description", "fleet queries: what a catalog may know of other nodes, read as ${fleet.NAME}");
        fleet.set("additionalProperties", query);
        keys.put("fleet", fleet);
        ObjectNode canary = JSON.objectNode().put("type", "object").put("additionalProperties", false)
                .put("description", "the nodes that take a new commit first: one of nodes, glob, role or percent");
        ObjectNode canaryKeys = canary.putObject("properties");
        canaryKeys.set("nodes", JSON.objectNode().put("type", "array").set("items", JSON.objectNode().put("type", "string")));
        canaryKeys.set("glob", JSON.objectNode().put("type", "string"));
        canaryKeys.set("role", JSON.objectNode().put("type", "string"));
        canaryKeys.set("percent", JSON.objectNode().put("type", "integer").put("minimum", 1).put("maximum", 100));
        ObjectNode rollout = JSON.objectNode().put("type", "object").put("additionalProperties", false)
                .put("description", "canary rollouts: a new commit reaches the canaries first, the rest once they ran it without failing");
        rollout.putObject("properties").set("canary", canary);
        ((ObjectNode) rollout.get("properties")).set("within", JSON.objectNode().put("type", "string")
                .put("description", "how long the canaries have to report on the new commit: 90s, 30m, 2h, 1d (default 1h)"));
        keys.put("rollout", rollout);
        ObjectNode grant = JSON.objectNode().put("type", "object").put("additionalProperties", false);
        grant.putArray("required").add("app").add("from").add("to");
        ObjectNode grantKeys = grant.putObject("properties");
        grantKeys.set("app", JSON.objectNode().put("type", "string").put("description", "the app whose dumps, or * for every app"));
        grantKeys.set("from", JSON.objectNode().put("type", "array").put("description", "names or globs of the nodes whose dumps")
                .set("items", JSON.objectNode().put("type", "string")));
        grantKeys.set("to", JSON.objectNode().put("type", "array").put("description", "names or globs of the nodes that may read them")
                .set("items", JSON.objectNode().put("type", "string")));
        keys.put("dump_access", JSON.objectNode().put("type", "array")
                .put("description", "which nodes may read which nodes' app dumps (kw-agent data pull); none: only the node that made them")
                .set("items", grant));
        return document(keys);
    }

    private ObjectNode rule() {
        ObjectNode rule = JSON.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode properties = rule.putObject("properties");
        for (String key : SiteParser.RULE_KEYS) {
            properties.set(key, switch (key) {
                case "facts", "trusted", "data" -> JSON.objectNode().put("type", "object");
                case "roles", "allow_environments" -> JSON.objectNode().put("type", "array").set("items", JSON.objectNode().put("type", "string"));
                default -> JSON.objectNode().put("type", "string");
            });
        }
        return rule;
    }

    private ObjectNode role() {
        ObjectNode resources = JSON.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode types = resources.putObject("properties");
        List<String> names = new ArrayList<>(ResourceType.wireNames());
        names.add(WsgiApp.TYPE);
        for (String type : names) {
            ObjectNode titles = JSON.objectNode().put("type", "object");
            titles.set("additionalProperties", anyOf(JSON.objectNode().put("$ref", "#/$defs/" + type), ref(INTERPOLATION)));
            types.set(type, anyOf(titles, ref(INTERPOLATION)));
        }
        Map<String, JsonNode> keys = new LinkedHashMap<>();
        keys.put("description", JSON.objectNode().put("type", "string"));
        keys.put("include", JSON.objectNode().put("type", "array").set("items", JSON.objectNode().put("type", "string")));
        keys.put("resources", resources.put("description", "resources by type, then by title"));
        return document(keys);
    }

    private ObjectNode document(Map<String, JsonNode> keys) {
        ObjectNode doc = JSON.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode properties = doc.putObject("properties");
        properties.putObject("apiVersion");
        properties.putObject("kind");
        keys.forEach(properties::set);
        return doc;
    }

    /** One type's attributes: its record's components but the title, then relationships (and a file's templates). */
    private ObjectNode attributes(String type, Class<?> record) {
        Map<String, String> meanings = meanings("### " + type + "\n");
        Map<String, String> common = meanings("## Relationships, audit and tags");
        ObjectNode schema = JSON.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode properties = schema.putObject("properties");
        RecordComponent[] components = record.getRecordComponents();
        Object defaults = defaults(record);
        ArrayNode required = JSON.arrayNode();
        for (int i = 1; i < components.length; i++) { // the first is the title, given by the key
            RecordComponent c = components[i];
            String name = ModelValidator.snakeCase(c.getName());
            ObjectNode property = valueSchema(c.getGenericType());
            describe(property, meanings.get(name));
            properties.set(name, property);
            if (isRequired(c, defaults)) {
                required.add(name);
            }
        }
        if (type.equals(ResourceType.FILE.wireName())) {
            FileContent.KEYS.forEach(k -> properties.set(k, describe(k.equals("vars") ? JSON.objectNode().put("type", "object")
                    : JSON.objectNode().put("type", "string"), meanings.get(k))));
        }
        for (String key : Meta.KEYS) {
            ObjectNode value = switch (key) {
                case "audit" -> anyOf(JSON.objectNode().put("type", "boolean"), ref(INTERPOLATION));
                case "tags" -> JSON.objectNode().put("type", "array").set("items", JSON.objectNode().put("type", "string"));
                default -> ref("#/$defs/references");
            };
            properties.set(key, describe(value, common.get(key)));
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        return schema;
    }

    /** A component's JSON type; every value may also be an interpolation. */
    private ObjectNode valueSchema(Type type) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        ObjectNode plain;
        if (raw == String.class) {
            return JSON.objectNode().set("type", strings(List.of("string", "number", "boolean"))); // YAML scalars are read as text
        } else if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            plain = JSON.objectNode().put("type", "integer");
        } else if (raw == Boolean.class || raw == boolean.class) {
            plain = JSON.objectNode().put("type", "boolean");
        } else if (raw.isEnum()) {
            ArrayNode values = JSON.arrayNode();
            for (Object constant : raw.getEnumConstants()) {
                values.add(wireName((Enum<?>) constant));
            }
            plain = JSON.objectNode().set("enum", values);
        } else if (Collection.class.isAssignableFrom(raw)) {
            plain = JSON.objectNode().put("type", "array");
            plain.set("items", valueSchema(((ParameterizedType) type).getActualTypeArguments()[0]));
        } else if (Map.class.isAssignableFrom(raw)) {
            plain = JSON.objectNode().put("type", "object");
            plain.set("additionalProperties", valueSchema(((ParameterizedType) type).getActualTypeArguments()[1]));
        } else if (raw.isRecord()) {
            plain = JSON.objectNode().put("type", "object").put("additionalProperties", false);
            ObjectNode properties = plain.putObject("properties");
            for (RecordComponent c : raw.getRecordComponents()) {
                properties.set(ModelValidator.snakeCase(c.getName()), valueSchema(c.getGenericType()));
            }
        } else {
            throw new IllegalStateException("no JSON Schema for " + type + " (this is a Kraftwerk bug, please report it)");
        }
        return anyOf(plain, ref(INTERPOLATION));
    }

    /** Required: checked not null or not empty, and still null or empty when everything is left out. */
    private static boolean isRequired(RecordComponent c, Object defaults) {
        // the constraints reach the accessor, not the component (they do not target record components)
        boolean notNull = c.getAccessor().isAnnotationPresent(NotNull.class);
        boolean notEmpty = c.getAccessor().isAnnotationPresent(NotEmpty.class);
        if (!notNull && !notEmpty || defaults == null) {
            return notEmpty;
        }
        try {
            Object value = c.getAccessor().invoke(defaults);
            return value == null || notEmpty && value instanceof Collection<?> list && list.isEmpty();
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /**
     * The record built from its title alone, which its compact constructor fills with defaults (some
     * derived from the title, as a log directory from a service's name); null if it will not build so.
     */
    private static Object defaults(Class<?> record) {
        RecordComponent[] components = record.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            if (i == 0) {
                values[i] = "/title"; // a name or a path, as the key gives it
            } else if (types[i] == boolean.class) {
                values[i] = Boolean.FALSE;
            } else if (types[i] == int.class) {
                values[i] = 0;
            }
        }
        try {
            Constructor<?> constructor = record.getDeclaredConstructor(types);
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static String wireName(Enum<?> constant) {
        try {
            JsonProperty p = constant.getDeclaringClass().getField(constant.name()).getAnnotation(JsonProperty.class);
            return p != null ? p.value() : constant.name().toLowerCase();
        } catch (NoSuchFieldException e) {
            return constant.name().toLowerCase();
        }
    }

    /** The "meaning" column of the attribute tables in the reference section that starts with {@code heading}. */
    private Map<String, String> meanings(String heading) {
        Map<String, String> out = new LinkedHashMap<>();
        int start = reference.indexOf(heading);
        if (start < 0) {
            return out;
        }
        int end = reference.indexOf("\n#", start + heading.length());
        for (String line : reference.substring(start, end < 0 ? reference.length() : end).split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                String[] cells = m.group(2).split(" \\| ");
                out.putIfAbsent(m.group(1), cells[cells.length - 1].strip());
            }
        }
        return out;
    }

    private static ObjectNode describe(ObjectNode schema, String meaning) {
        if (meaning != null && !meaning.isEmpty()) {
            schema.put("description", meaning);
        }
        return schema;
    }

    private static ObjectNode anyOf(JsonNode... alternatives) {
        ObjectNode node = JSON.objectNode();
        ArrayNode any = node.putArray("anyOf");
        for (JsonNode a : alternatives) {
            any.add(a);
        }
        return node;
    }

    private static ObjectNode ref(String target) {
        return JSON.objectNode().put("$ref", target);
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = JSON.arrayNode();
        values.forEach(array::add);
        return array;
    }
}
