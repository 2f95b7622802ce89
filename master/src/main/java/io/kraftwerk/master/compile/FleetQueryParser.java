package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Fields;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.model.Suggestions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Reads the {@code fleet:} section of site.yaml into {@link FleetQuery}s, reporting every mistake at its place. */
final class FleetQueryParser {
    static final List<String> KEYS = List.of("role", "glob", "environment", "fields", "each", "include");
    /** {@code fleet.role.NAME} is the built-in list of a role's nodes: no query may take its name. */
    static final String ROLE = "role";
    private static final Pattern QUERY_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern ENVIRONMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern SEGMENT = Pattern.compile("[^.\\s{}$]+");

    private final Fields fields;
    private final Diagnostics diagnostics;

    private FleetQueryParser(Fields fields) {
        this.fields = fields;
        this.diagnostics = fields.diagnostics();
    }

    /** The queries of {@code section} by name; the ones with mistakes are left out (their errors recorded). */
    static Map<String, FleetQuery> parse(YMap section, Fields fields) {
        FleetQueryParser parser = new FleetQueryParser(fields);
        Map<String, FleetQuery> queries = new TreeMap<>();
        for (YMap.Entry e : section.entries()) {
            parser.query(e).ifPresent(q -> queries.put(q.name(), q));
        }
        return queries;
    }

    /** Reports queries whose role the site does not define. */
    static void checkRoles(Map<String, FleetQuery> queries, Set<String> roles, Set<String> broken, YMap section,
                           Diagnostics diagnostics) {
        for (FleetQuery q : queries.values()) {
            if (q.role() != null && !roles.contains(q.role()) && !broken.contains(q.role())) {
                YScalar where = (YScalar) ((YMap) section.get(q.name()).orElseThrow()).get("role").orElseThrow();
                diagnostics.error(where.location(), "fleet query '" + q.name() + "': no role '" + q.role() + "'",
                        Suggestions.closest(q.role(), roles).map(s -> "did you mean '" + s + "'?")
                                .orElse("roles are the files under roles/"));
            }
        }
    }

    private Optional<FleetQuery> query(YMap.Entry entry) {
        String name = entry.name();
        int before = diagnostics.count();
        if (name.equals(ROLE)) {
            diagnostics.error(entry.key().location(), "'role' cannot name a fleet query: ${fleet.role.NAME} is the built-in"
                    + " list of a role's nodes", "name the query after what it gives, e.g. web_backends");
        } else if (!QUERY_NAME.matcher(name).matches()) {
            diagnostics.error(entry.key().location(), "invalid fleet query name '" + name + "'",
                    "use lowercase letters, digits and '_', starting with a letter");
        }
        if (!(entry.value() instanceof YMap map)) {
            diagnostics.error(entry.value().location(), "fleet query '" + name + "' must be a map, not " + entry.value().describe(),
                    "write e.g. 'role: web' and 'each: \"${facts.networking.ip}:80\"'");
            return Optional.empty();
        }
        fields.onlyKeys(map, KEYS, "fleet query key");
        String role = fields.scalar(map, "role").map(YScalar::text).orElse(null);
        NodeRule.NameMatcher names = fields.scalar(map, "glob").map(g -> (NodeRule.NameMatcher) NodeRule.NameMatcher.Glob.of(g.text()))
                .orElse(null);
        if (role == null && names == null && map.get("role").isEmpty() && map.get("glob").isEmpty()) {
            diagnostics.error(map.location(), "fleet query '" + name + "' selects no nodes: it has neither 'role' nor 'glob'",
                    "add e.g. 'role: web', or 'glob: \"*\"' for every node");
        }
        String environment = fields.scalar(map, "environment").map(YScalar::text).orElse(null);
        if (environment != null && !ENVIRONMENT.matcher(environment).matches()) {
            diagnostics.error(map.get("environment").orElseThrow().location(), "invalid environment name '" + environment + "'",
                    "name a git branch, or write 'any' for nodes of every environment (without it: the compiled node's)");
        }
        List<List<String>> paths = new ArrayList<>();
        for (YScalar field : fields.stringList(map, "fields")) {
            path(field, field.text(), 0).ifPresent(paths::add);
        }
        FleetQuery.Each each = fields.scalar(map, "each").flatMap(this::each).orElse(null);
        if (each != null && !paths.isEmpty()) {
            diagnostics.error(map.get("fields").orElseThrow().location(), "fleet query '" + name + "' has both 'each' and 'fields'",
                    "'each' gives one text per node, 'fields' a map per node: keep one");
        }
        Set<FleetNode.Standing> include = EnumSet.noneOf(FleetNode.Standing.class);
        for (YScalar s : fields.stringList(map, "include")) {
            switch (s.text()) {
                case "unresponsive" -> include.add(FleetNode.Standing.UNRESPONSIVE);
                case "failed" -> include.add(FleetNode.Standing.FAILED);
                default -> diagnostics.error(s.location(), "unknown 'include' value '" + s.text() + "'",
                        "'include' takes unresponsive and failed: nodes that report without failing are always in");
            }
        }
        if (diagnostics.count() > before) {
            return Optional.empty();
        }
        return Optional.of(new FleetQuery(name, role, names, environment, paths, each, include, entry.key().location()));
    }

    /** A field path: certname, environment, roles or facts.NAME[.NAME…]; errors at {@code offset} into the scalar. */
    private Optional<List<String>> path(YScalar scalar, String text, int offset) {
        List<String> segments = Arrays.asList(text.trim().split("\\.", -1));
        String root = segments.get(0);
        boolean valid = FleetQuery.FIELD_ROOTS.contains(root) && segments.stream().allMatch(s -> SEGMENT.matcher(s).matches())
                && (root.equals("facts") ? segments.size() > 1 : segments.size() == 1);
        if (!valid) {
            diagnostics.error(scalar.locationOf(offset), "'" + text + "' is not a field of a node",
                    "a fleet query reads certname, environment, roles or facts.NAME (e.g. facts.networking.ip)");
            return Optional.empty();
        }
        return Optional.of(List.copyOf(segments));
    }

    private Optional<FleetQuery.Each> each(YScalar scalar) {
        String text = scalar.text();
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        boolean ok = true;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                literal.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    diagnostics.error(scalar.locationOf(i), "unterminated reference '" + text.substring(i) + "'",
                            "close it with '}', or write '$${' for a literal '${'");
                    return Optional.empty();
                }
                Optional<List<String>> path = path(scalar, text.substring(i + 2, end), i);
                if (path.isPresent() && path.get().get(0).equals("roles")) {
                    diagnostics.error(scalar.locationOf(i), "'roles' is a list and cannot be inserted into text",
                            "use 'fields: [roles]' to get the roles of each node");
                    ok = false;
                }
                ok &= path.isPresent();
                if (!literal.isEmpty()) {
                    parts.add(literal.toString());
                    literal.setLength(0);
                }
                path.ifPresent(parts::add);
                i = end + 1;
            } else {
                literal.append(text.charAt(i++));
            }
        }
        if (!literal.isEmpty()) {
            parts.add(literal.toString());
        }
        if (parts.stream().noneMatch(p -> p instanceof List<?>)) {
            diagnostics.error(scalar.location(), "'each' names no field of the node: every node would give the same text",
                    "write e.g. \"${facts.networking.ip}:80\"");
            ok = false;
        }
        return ok ? Optional.of(new FleetQuery.Each(parts)) : Optional.empty();
    }
}
