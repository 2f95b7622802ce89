package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.YList;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What templates see: plain Java values for Qute's map and list resolvers. Data is resolved lazily,
 * key by key, so a template pays (and reports errors) only for the data it reads.
 */
final class TemplateValues {
    private TemplateValues() {
    }

    /** @param onSecret called whenever the template reads a value that holds a secret */
    static Map<String, Object> lazyData(Interpolator interpolator, Runnable onSecret) {
        return new LazyData(interpolator, interpolator.data(), "", onSecret);
    }

    /** Converts an already resolved value. */
    static Object plain(YNode node) {
        if (node instanceof YMap map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.entries().forEach(e -> out.put(e.name(), plain(e.value())));
            return out;
        }
        if (node instanceof YList list) {
            List<Object> out = new ArrayList<>(list.items().size());
            list.items().forEach(item -> out.add(plain(item)));
            return out;
        }
        YScalar s = (YScalar) node;
        return switch (s.kind()) {
            case NULL, FAILED -> null;
            case BOOL -> Set.of("true", "yes", "on").contains(s.text().toLowerCase());
            case INT -> parseLong(s.text());
            case FLOAT -> parseDouble(s.text());
            case STRING -> s.text();
            case SECRET -> new SecretText(s.text());
        };
    }

    private static Object parseLong(String text) {
        try {
            return Long.parseLong(text.replace("_", ""));
        } catch (NumberFormatException e) {
            return text;
        }
    }

    private static Object parseDouble(String text) {
        try {
            return Double.parseDouble(text.replace("_", ""));
        } catch (NumberFormatException e) {
            return text;
        }
    }

    /** A data map whose values are interpolated on first read. */
    private static final class LazyData extends AbstractMap<String, Object> {
        private final Interpolator interpolator;
        private final YMap raw;
        private final String prefix;
        private final Runnable onSecret;

        LazyData(Interpolator interpolator, YMap raw, String prefix, Runnable onSecret) {
            this.interpolator = interpolator;
            this.raw = raw;
            this.prefix = prefix;
            this.onSecret = onSecret;
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String k && raw.entry(k).isPresent();
        }

        @Override
        public Object get(Object key) {
            if (!(key instanceof String k)) {
                return null;
            }
            return raw.get(k).map(value -> {
                if (value instanceof YMap nested) {
                    return (Object) new LazyData(interpolator, nested, prefix + k + ".", onSecret);
                }
                YNode resolved = interpolator.resolve(value);
                if (SecretPlacement.holdsSecret(resolved)) {
                    onSecret.run();
                }
                return plain(resolved);
            }).orElse(null);
        }

        @Override
        public Set<String> keySet() {
            return new LinkedHashSet<>(raw.keys());
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Set<Entry<String, Object>> entries = new LinkedHashSet<>();
            raw.keys().forEach(k -> entries.add(new SimpleImmutableEntry<>(k, get(k))));
            return entries;
        }
    }
}
