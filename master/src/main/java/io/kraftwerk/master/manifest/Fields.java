package io.kraftwerk.master.manifest;

import io.kraftwerk.model.Suggestions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Reads the fixed-shape parts of manifest documents (headers, site rules, role files) and reports
 * every wrong key or type to a {@link Diagnostics}, so a caller can keep going and report all errors.
 */
public final class Fields {
    public static final String API_VERSION = "kraftwerk/v1";

    private final Diagnostics diagnostics;

    public Fields(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    public Diagnostics diagnostics() {
        return diagnostics;
    }

    /**
     * Checks a whole document: a map with {@code apiVersion: kraftwerk/v1}, the expected
     * {@code kind}, and no keys beyond {@code allowed}.
     *
     * @return the document's map, or empty when it is not usable at all
     */
    public Optional<YMap> document(String file, YNode root, String kind, Collection<String> allowed) {
        if (root == null) {
            diagnostics.error(new Location(file, 1, 1), "the file is empty",
                    "start it with 'apiVersion: " + API_VERSION + "' and 'kind: " + kind + "'");
            return Optional.empty();
        }
        if (!(root instanceof YMap map)) {
            diagnostics.error(root.location(), "a " + kind + " document must be a map, not " + root.describe(),
                    "start it with 'apiVersion: " + API_VERSION + "' and 'kind: " + kind + "'");
            return Optional.empty();
        }
        Optional<YScalar> api = scalar(map, "apiVersion");
        if (api.isEmpty()) {
            diagnostics.error(map.location(), "missing 'apiVersion'", "add 'apiVersion: " + API_VERSION + "'");
        } else if (!api.get().text().equals(API_VERSION)) {
            diagnostics.error(api.get().location(), "unsupported apiVersion '" + api.get().text() + "'",
                    "this Kraftwerk reads '" + API_VERSION + "'");
        }
        Optional<YScalar> actualKind = scalar(map, "kind");
        if (actualKind.isEmpty()) {
            diagnostics.error(map.location(), "missing 'kind'", "add 'kind: " + kind + "'");
        } else if (!actualKind.get().text().equals(kind)) {
            diagnostics.error(actualKind.get().location(), "expected kind '" + kind + "' in this file, found '"
                    + actualKind.get().text() + "'", "files under this directory hold " + kind + " documents");
        }
        List<String> keys = new ArrayList<>(allowed);
        keys.add("apiVersion");
        keys.add("kind");
        onlyKeys(map, keys, "key");
        return Optional.of(map);
    }

    /** Reports every key of {@code map} not in {@code allowed}, with a suggestion. */
    public void onlyKeys(YMap map, Collection<String> allowed, String what) {
        for (YMap.Entry e : map.entries()) {
            if (!allowed.contains(e.name())) {
                diagnostics.error(e.key().location(), "unknown " + what + " '" + e.name() + "'",
                        Suggestions.closest(e.name(), allowed).map(s -> "did you mean '" + s + "'?")
                                .orElse("known: " + String.join(", ", allowed)));
            }
        }
    }

    /** A scalar value that must be a non-empty string; reports anything else. */
    public Optional<YScalar> scalar(YMap map, String key) {
        Optional<YNode> value = map.get(key);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        if (value.get() instanceof YScalar s && !s.isNull() && !s.text().isEmpty()) {
            return Optional.of(s);
        }
        diagnostics.error(value.get().location(), "'" + key + "' must be a non-empty string, not "
                + value.get().describe(), null);
        return Optional.empty();
    }

    /** A list of non-empty strings; a single string counts as a list of one. */
    public List<YScalar> stringList(YMap map, String key) {
        Optional<YNode> value = map.get(key);
        if (value.isEmpty() || (value.get() instanceof YScalar s && s.isNull())) {
            return List.of();
        }
        return stringList(value.get(), key);
    }

    public List<YScalar> stringList(YNode value, String key) {
        if (value instanceof YScalar s && !s.isNull()) {
            return List.of(s);
        }
        if (!(value instanceof YList list)) {
            diagnostics.error(value.location(), "'" + key + "' must be a list of strings, not " + value.describe(), null);
            return List.of();
        }
        List<YScalar> out = new ArrayList<>();
        for (YNode item : list.items()) {
            if (item instanceof YScalar s && !s.isNull() && !s.text().isEmpty()) {
                out.add(s);
            } else {
                diagnostics.error(item.location(), "each entry of '" + key + "' must be a non-empty string, not "
                        + item.describe(), null);
            }
        }
        return out;
    }

    /** A map value; null (or absent) gives empty. */
    public Optional<YMap> map(YMap parent, String key) {
        Optional<YNode> value = parent.get(key);
        if (value.isEmpty() || (value.get() instanceof YScalar s && s.isNull())) {
            return Optional.empty();
        }
        if (value.get() instanceof YMap m) {
            return Optional.of(m);
        }
        diagnostics.error(value.get().location(), "'" + key + "' must be a map, not " + value.get().describe(), null);
        return Optional.empty();
    }

    public Optional<YList> list(YMap parent, String key) {
        Optional<YNode> value = parent.get(key);
        if (value.isEmpty() || (value.get() instanceof YScalar s && s.isNull())) {
            return Optional.empty();
        }
        if (value.get() instanceof YList l) {
            return Optional.of(l);
        }
        diagnostics.error(value.get().location(), "'" + key + "' must be a list, not " + value.get().describe(), null);
        return Optional.empty();
    }
}
