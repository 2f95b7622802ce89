package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Fields;
import io.kraftwerk.master.manifest.YList;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads {@code dump_access:} of site.yaml into {@link DumpGrant}s, reporting every mistake at its place. */
final class DumpGrantParser {
    static final List<String> KEYS = List.of("app", "from", "to");
    private static final String APP = "[a-z][a-z0-9_-]{0,31}";
    private static final String NAME = "[A-Za-z0-9*?][A-Za-z0-9.*?_-]{0,252}";

    private DumpGrantParser() {
    }

    static List<DumpGrant> parse(YList section, Fields fields) {
        List<DumpGrant> grants = new ArrayList<>();
        for (YNode item : section.items()) {
            if (!(item instanceof YMap map)) {
                fields.diagnostics().error(item.location(), "each of dump_access is a map with app, from and to, not " + item.describe(),
                        "write e.g. '- {app: hello, from: [web1.example.net], to: [stage1.example.net]}'");
                continue;
            }
            grant(map, fields).ifPresent(grants::add);
        }
        return List.copyOf(grants);
    }

    private static Optional<DumpGrant> grant(YMap map, Fields fields) {
        Diagnostics diagnostics = fields.diagnostics();
        int before = diagnostics.count();
        fields.onlyKeys(map, KEYS, "dump_access key");
        Optional<YScalar> app = fields.scalar(map, "app");
        if (app.isEmpty()) {
            diagnostics.error(map.location(), "a dump_access entry needs 'app': the app whose dumps it shares ('*' for every app)",
                    "write e.g. 'app: hello'");
        } else if (!app.get().text().equals(DumpGrant.ANY_APP) && !app.get().text().matches(APP)) {
            diagnostics.error(app.get().location(), "dump_access: '" + app.get().text() + "' is not an app name", "an app name, or '*'");
        }
        List<NodeRule.NameMatcher> from = names(map, "from", "whose dumps", fields);
        List<NodeRule.NameMatcher> to = names(map, "to", "which nodes may read them", fields);
        if (diagnostics.count() > before) {
            return Optional.empty();
        }
        return Optional.of(new DumpGrant(app.get().text(), from, to));
    }

    private static List<NodeRule.NameMatcher> names(YMap map, String key, String meaning, Fields fields) {
        List<YScalar> names = fields.stringList(map, key);
        if (names.isEmpty()) {
            fields.diagnostics().error(map.location(), "a dump_access entry needs '" + key + "': " + meaning,
                    "a list of node names or globs such as 'stage*.example.net'");
        }
        List<NodeRule.NameMatcher> out = new ArrayList<>();
        for (YScalar name : names) {
            if (!name.text().matches(NAME)) {
                fields.diagnostics().error(name.location(), "dump_access " + key + ": '" + name.text() + "' is not a node name or glob",
                        "letters, digits, '.', '-', '_', and '*' or '?' for a glob");
            } else if (name.text().equals("*")) {
                fields.diagnostics().error(name.location(), "dump_access " + key + ": '*' would name every node",
                        "name the nodes, or a glob of a part of their names ('stage*.example.net')");
            } else {
                out.add(name.text().contains("*") || name.text().contains("?") ? NodeRule.NameMatcher.Glob.of(name.text())
                        : new NodeRule.NameMatcher.Exact(name.text()));
            }
        }
        return out;
    }
}
