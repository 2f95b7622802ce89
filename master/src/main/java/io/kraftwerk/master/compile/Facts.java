package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.YList;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.master.manifest.YamlReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a node reports about itself (the output of {@code kw-agent facts}), as a tree that lookups
 * and templates read with dotted paths such as {@code os.codename}.
 */
public final class Facts {
    private final YMap root;

    private Facts(YMap root) {
        this.root = root;
    }

    public static Facts empty() {
        return new Facts(YMap.empty(Location.ofFile("facts")));
    }

    /** Parses a JSON or YAML facts document; {@code source} names it in errors. */
    public static Facts parse(String source, byte[] content) throws ManifestException {
        YNode node = YamlReader.read(source, content);
        if (node == null) {
            return new Facts(YMap.empty(Location.ofFile(source)));
        }
        if (!(node instanceof YMap map)) {
            throw new ManifestException(new Diagnostic(node.location(), "facts must be a map of names to values, not "
                    + node.describe(), "produce them with 'kw-agent facts'"));
        }
        return new Facts(map);
    }

    /** Facts already read as a YAML tree. */
    static Facts of(YMap root) {
        return new Facts(root);
    }

    /** Facts from plain Java values (maps, lists, strings, numbers, booleans), as JSON gives them. */
    public static Facts of(Map<String, ?> values, String source) {
        return new Facts((YMap) fromJava(values, Location.ofFile(source)));
    }

    private static YNode fromJava(Object value, Location where) {
        if (value instanceof Map<?, ?> map) {
            List<YMap.Entry> entries = new ArrayList<>();
            map.forEach((k, v) -> entries.add(new YMap.Entry(YScalar.string(String.valueOf(k), where), fromJava(v, where))));
            return new YMap(entries, where);
        }
        if (value instanceof List<?> list) {
            return new YList(list.stream().map(v -> fromJava(v, where)).toList(), where);
        }
        if (value == null) {
            return new YScalar("", YScalar.Kind.NULL, false, where);
        }
        YScalar.Kind kind = value instanceof Boolean ? YScalar.Kind.BOOL
                : value instanceof Integer || value instanceof Long ? YScalar.Kind.INT
                : value instanceof Number ? YScalar.Kind.FLOAT : YScalar.Kind.STRING;
        return new YScalar(String.valueOf(value), kind, false, where);
    }

    public YMap root() {
        return root;
    }

    /** The value at a dotted path; numeric segments index lists. */
    public Optional<YNode> lookup(String path) {
        return Lookup.path(root, path.split("\\.", -1));
    }

    /** The text of a scalar fact, for classification matchers. */
    public Optional<String> text(String path) {
        return lookup(path).filter(n -> n instanceof YScalar s && !s.isNull()).map(n -> ((YScalar) n).text());
    }
}
