package io.kraftwerk.master.manifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A YAML mapping with string keys, in document order. Keys are unique (the reader rejects repeats). */
public record YMap(List<Entry> entries, Location location) implements YNode {

    /** One key and its value; the key's location is where a declaration is said to be. */
    public record Entry(YScalar key, YNode value) {
        public String name() {
            return key.text();
        }
    }

    public YMap {
        entries = List.copyOf(entries);
    }

    public static YMap empty(Location location) {
        return new YMap(List.of(), location);
    }

    public Optional<Entry> entry(String key) {
        for (Entry e : entries) {
            if (e.name().equals(key)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    public Optional<YNode> get(String key) {
        return entry(key).map(Entry::value);
    }

    public List<String> keys() {
        List<String> keys = new ArrayList<>(entries.size());
        entries.forEach(e -> keys.add(e.name()));
        return keys;
    }

    @Override
    public String describe() {
        return "a map";
    }
}
