package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.manifest.YList;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.master.manifest.YamlReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The fleet a compile may ask about ({@code ${fleet.…}}): an explicit input of the compiler, like the
 * facts, so that the same commit, facts and snapshot always give the same catalog. The master takes
 * it from its node table; offline compiles from the site's fixtures ({@link FleetFixtures}) or a
 * file ({@link #parse}). Nodes are sorted by name and named once.
 */
public record FleetSnapshot(List<FleetNode> nodes) {
    public static final FleetSnapshot EMPTY = new FleetSnapshot(List.of());

    public FleetSnapshot {
        List<FleetNode> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(FleetNode::certname));
        for (int i = 1; i < sorted.size(); i++) {
            if (sorted.get(i).certname().equals(sorted.get(i - 1).certname())) {
                throw new IllegalArgumentException("node " + sorted.get(i).certname() + " is in the fleet snapshot twice");
            }
        }
        nodes = List.copyOf(sorted);
    }

    /**
     * Reads a snapshot file: {@code nodes:} a list of {@code certname}, {@code environment}, {@code roles},
     * {@code standing} (reporting, failed or unresponsive; default reporting) and {@code facts}. JSON or YAML.
     */
    public static FleetSnapshot parse(String source, byte[] content) throws ManifestException {
        YNode root = YamlReader.read(source, content);
        Diagnostics diagnostics = new Diagnostics();
        List<FleetNode> nodes = new ArrayList<>();
        Optional<YNode> list = root instanceof YMap map ? map.get("nodes") : Optional.empty();
        if (list.isEmpty() || !(list.get() instanceof YList items)) {
            throw new ManifestException(new Diagnostic(root == null ? Location.ofFile(source) : root.location(),
                    "a fleet snapshot is a map with a 'nodes' list", "write e.g. {\"nodes\": [{\"certname\": \"web1.example.net\","
                    + " \"environment\": \"production\", \"roles\": [\"web\"], \"facts\": {}}]}"));
        }
        List<String> seen = new ArrayList<>();
        for (YNode item : items.items()) {
            node(item, diagnostics).ifPresent(n -> {
                if (seen.contains(n.certname())) {
                    diagnostics.error(item.location(), "node " + n.certname() + " is listed twice", "list each node once");
                } else {
                    seen.add(n.certname());
                    nodes.add(n);
                }
            });
        }
        if (diagnostics.hasErrors()) {
            throw new ManifestException(diagnostics.sorted());
        }
        return new FleetSnapshot(nodes);
    }

    private static Optional<FleetNode> node(YNode item, Diagnostics diagnostics) {
        if (!(item instanceof YMap map)) {
            diagnostics.error(item.location(), "each node of a fleet snapshot is a map, not " + item.describe(), null);
            return Optional.empty();
        }
        for (String key : map.keys()) {
            if (!List.of("certname", "environment", "roles", "standing", "facts").contains(key)) {
                diagnostics.error(map.entry(key).orElseThrow().key().location(), "unknown key '" + key + "' in a fleet node",
                        "a node has certname, environment, roles, standing and facts");
            }
        }
        Optional<String> certname = text(map, "certname", diagnostics, true);
        Optional<String> environment = text(map, "environment", diagnostics, true);
        List<String> roles = new ArrayList<>();
        map.get("roles").ifPresent(r -> {
            if (r instanceof YList l && l.items().stream().allMatch(i -> i instanceof YScalar s && !s.isNull())) {
                l.items().forEach(i -> roles.add(((YScalar) i).text()));
            } else {
                diagnostics.error(r.location(), "'roles' is a list of role names", null);
            }
        });
        FleetNode.Standing standing = FleetNode.Standing.REPORTING;
        Optional<String> wire = text(map, "standing", diagnostics, false);
        if (wire.isPresent()) {
            try {
                standing = FleetNode.Standing.valueOf(wire.get().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                diagnostics.error(map.get("standing").orElseThrow().location(), "unknown standing '" + wire.get() + "'",
                        "one of " + Arrays.stream(FleetNode.Standing.values()).map(FleetNode.Standing::wire).toList());
            }
        }
        Facts facts = Facts.empty();
        Optional<YNode> factValues = map.get("facts");
        if (factValues.isPresent()) {
            if (factValues.get() instanceof YMap f) {
                facts = Facts.of(f);
            } else if (!(factValues.get() instanceof YScalar s && s.isNull())) {
                diagnostics.error(factValues.get().location(), "'facts' is a map of names to values", null);
            }
        }
        if (certname.isEmpty() || environment.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FleetNode(certname.get(), environment.get(), roles, facts, standing));
    }

    private static Optional<String> text(YMap map, String key, Diagnostics diagnostics, boolean required) {
        Optional<YNode> value = map.get(key);
        if (value.isEmpty()) {
            if (required) {
                diagnostics.error(map.location(), "a fleet node needs '" + key + "'", null);
            }
            return Optional.empty();
        }
        if (value.get() instanceof YScalar s && !s.isNull() && !s.text().isBlank()) {
            return Optional.of(s.text());
        }
        diagnostics.error(value.get().location(), "'" + key + "' must be text, not " + value.get().describe(), null);
        return Optional.empty();
    }
}
