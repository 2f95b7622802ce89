package io.kraftwerk.master.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.SensitivityMarks;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a node's catalog changes between two commits: the resources added and removed, and for each
 * resource in both, every property whose desired value differs (old → new). A pure function of the
 * two catalogs. Values a resource keeps secret ({@code @Sensitivity}: a sensitive file's content,
 * the env values named in {@code sensitive_env}) are compared but never shown: a change of one
 * reads {@code [sensitive]} on both sides.
 */
public final class CatalogDiff {
    public static final String SENSITIVE = "[sensitive]";

    private CatalogDiff() {
    }

    /** A property that differs; values as JSON text, or {@link #SENSITIVE}; null where the property is not set. */
    public record PropertyChange(String property, String from, String to) {
    }

    /** A resource in both catalogs whose desired state differs. */
    public record ResourceChange(String id, List<PropertyChange> properties) {
    }

    /** The whole difference of one node's catalog; empty lists when nothing changes. */
    public record NodeDiff(List<String> added, List<String> removed, List<ResourceChange> changed) {
        public boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        }

        public int resources() {
            return added.size() + removed.size() + changed.size();
        }
    }

    public static NodeDiff between(Catalog from, Catalog to) {
        Map<String, CatalogResource> before = byId(from);
        Map<String, CatalogResource> after = byId(to);
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<ResourceChange> changed = new ArrayList<>();
        for (String id : after.keySet()) {
            if (!before.containsKey(id)) {
                added.add(id);
            }
        }
        for (Map.Entry<String, CatalogResource> e : before.entrySet()) {
            CatalogResource next = after.get(e.getKey());
            if (next == null) {
                removed.add(e.getKey());
            } else {
                List<PropertyChange> properties = properties(e.getValue(), next);
                if (!properties.isEmpty()) {
                    changed.add(new ResourceChange(e.getKey(), properties));
                }
            }
        }
        return new NodeDiff(List.copyOf(added), List.copyOf(removed), List.copyOf(changed));
    }

    private static Map<String, CatalogResource> byId(Catalog catalog) {
        Map<String, CatalogResource> out = new LinkedHashMap<>();
        catalog.resources().forEach(r -> out.put(r.id(), r));
        return out;
    }

    /** The desired properties of the resource, its audit and tags: where it is declared is not a change. */
    private static List<PropertyChange> properties(CatalogResource from, CatalogResource to) {
        ObjectNode a = flatten(from);
        ObjectNode b = flatten(to);
        Set<String> secret = secretPaths(from, a);
        secret.addAll(secretPaths(to, b));
        Set<String> names = new TreeSet<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(names::add);
        List<PropertyChange> out = new ArrayList<>();
        for (String name : names) {
            JsonNode x = a.get(name);
            JsonNode y = b.get(name);
            if (x == null ? y == null : x.equals(y)) {
                continue;
            }
            if (secret.contains(name)) {
                out.add(new PropertyChange(name, x == null ? null : SENSITIVE, y == null ? null : SENSITIVE));
            } else {
                out.add(new PropertyChange(name, text(x), text(y)));
            }
        }
        return out;
    }

    /**
     * The resource as one level of properties: {@code content}, {@code env.NAME} for each env
     * value (so one secret among them is told apart from the rest), {@code audit}, {@code tags}.
     */
    private static ObjectNode flatten(CatalogResource resource) {
        ObjectNode tree = ModelJson.mapper().valueToTree(resource.resource());
        ObjectNode flat = ModelJson.mapper().createObjectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = tree.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (f.getKey().equals("env") && f.getValue().isObject()) {
                f.getValue().fields().forEachRemaining(e -> flat.set("env." + e.getKey(), e.getValue()));
            } else if (!f.getKey().equals("type")) {
                flat.set(f.getKey(), f.getValue());
            }
        }
        flat.put("audit", resource.audit());
        flat.set("tags", ModelJson.mapper().valueToTree(resource.tags()));
        return flat;
    }

    /** The flattened properties a resource keeps secret, by its type's {@code @Sensitivity}. */
    private static Set<String> secretPaths(CatalogResource resource, ObjectNode flat) {
        Set<String> out = new TreeSet<>();
        Class<?> type = resource.resource().getClass();
        Optional<String> protectedAttribute = SensitivityMarks.protectedAttribute(type);
        List<String> marks = SensitivityMarks.of(type).orElse(List.of());
        if (protectedAttribute.isPresent() && SensitivityMarks.always(type)) {
            out.add(protectedAttribute.get());
            return out;
        }
        if (protectedAttribute.isEmpty() || marks.isEmpty()) {
            return out;
        }
        JsonNode mark = flat.get(marks.get(0));
        if (mark != null && mark.isBoolean() && mark.booleanValue()) {
            out.add(protectedAttribute.get());
        } else if (mark != null && mark.isArray()) {
            mark.forEach(name -> out.add(protectedAttribute.get() + "." + name.asText()));
        }
        return out;
    }

    private static String text(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }
}
