package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.YList;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.model.Suggestions;
import io.kraftwerk.model.json.ModelJson;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What one compile reads of the fleet: {@code ${fleet.NAME}} answers a query of site.yaml,
 * {@code ${fleet.role.ROLE}} lists the names of a role's nodes. Both take nodes of the compiled
 * node's environment that report without failing (a query's {@code environment} and {@code include}
 * say otherwise), sorted by name. A node that lacks a field a query reads is left out of its answer.
 * Answers are memoized, and what the compile read is summed up in {@link #digest()}, which the
 * catalog records.
 */
final class FleetData {
    private final Map<String, FleetQuery> queries;
    private final Set<String> roles;
    private final Supplier<FleetSnapshot> source;
    private FleetSnapshot snapshot;
    private final String environment;
    private final Map<String, YList> read = new TreeMap<>();

    /** @param source the snapshot, asked for only if the compile reads the fleet (offline, it is made from fixtures) */
    FleetData(Map<String, FleetQuery> queries, Set<String> roles, Supplier<FleetSnapshot> source, String environment) {
        this.queries = queries;
        this.roles = roles;
        this.source = source;
        this.environment = environment;
    }

    /** {@code ${fleet.PATH}}: a query's answer, or a role's node names, then any path into it. */
    YNode lookup(String[] path, Location where, Diagnostics diagnostics) {
        String name = path[0];
        int rest;
        YList answer;
        if (name.equals(FleetQueryParser.ROLE)) {
            if (path.length < 2) {
                diagnostics.error(where, "'${fleet.role}' needs a role: ${fleet.role.NAME}", "e.g. ${fleet.role.web}");
                return YScalar.failed(where);
            }
            if (!roles.contains(path[1])) {
                diagnostics.error(where, "no role '" + path[1] + "' for '${fleet.role." + path[1] + "}'",
                        Suggestions.closest(path[1], roles).map(s -> "did you mean '" + s + "'?").orElse("roles are the files under roles/"));
                return YScalar.failed(where);
            }
            answer = roleNodes(path[1], where);
            rest = 2;
        } else {
            FleetQuery query = queries.get(name);
            if (query == null) {
                diagnostics.error(where, "no fleet query '" + name + "'",
                        Suggestions.closest(name, queries.keySet()).map(s -> "did you mean '" + s + "'?")
                                .orElse("declare it under 'fleet:' in site.yaml, or use ${fleet.role.NAME} for a role's nodes"));
                return YScalar.failed(where);
            }
            answer = answer(query);
            rest = 1;
        }
        if (rest == path.length) {
            // the list is where it is used (a wrong type is an error there), its items where the query is
            return new YList(answer.items(), where);
        }
        String[] tail = Arrays.copyOfRange(path, rest, path.length);
        return Lookup.path(answer, tail).orElseGet(() -> {
            diagnostics.error(where, "'${fleet." + String.join(".", path) + "}' names nothing: the answer has "
                    + answer.items().size() + " node(s)", "refer to the whole list, e.g. ${fleet." + String.join(".",
                    Arrays.copyOfRange(path, 0, rest)) + "}");
            return YScalar.failed(where);
        });
    }

    /** What templates see as {@code fleet}: {@code fleet.NAME} and {@code fleet.role.ROLE}, read on demand. */
    Map<String, Object> templateView(Location where) {
        return new TemplateFleet(where);
    }

    private YList roleNodes(String role, Location where) {
        return read.computeIfAbsent("role." + role, k -> {
            List<YNode> names = new ArrayList<>();
            for (FleetNode node : snapshot().nodes()) {
                if (node.roles().contains(role) && node.environment().equals(environment)
                        && node.standing() == FleetNode.Standing.REPORTING) {
                    names.add(YScalar.string(node.certname(), where));
                }
            }
            return new YList(names, where);
        });
    }

    private YList answer(FleetQuery query) {
        return read.computeIfAbsent(query.name(), k -> {
            List<YNode> items = new ArrayList<>();
            for (FleetNode node : snapshot().nodes()) {
                if (query.selects(node, environment)) {
                    item(query, node).ifPresent(items::add);
                }
            }
            return new YList(items, query.location());
        });
    }

    private FleetSnapshot snapshot() {
        if (snapshot == null) {
            snapshot = source.get();
        }
        return snapshot;
    }

    /** One node's item: its text, or the map of the fields asked for; empty when the node lacks one. */
    private static Optional<YNode> item(FleetQuery query, FleetNode node) {
        Location where = query.location();
        if (query.each() != null) {
            StringBuilder text = new StringBuilder();
            for (Object part : query.each().parts()) {
                if (part instanceof String literal) {
                    text.append(literal);
                } else {
                    @SuppressWarnings("unchecked")
                    Optional<YNode> value = field(node, (List<String>) part, where);
                    if (value.isEmpty() || !(value.get() instanceof YScalar s) || s.isNull()) {
                        return Optional.empty();
                    }
                    text.append(s.text());
                }
            }
            return Optional.of(YScalar.string(text.toString(), where));
        }
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("certname", YScalar.string(node.certname(), where));
        for (List<String> path : query.fields()) {
            Optional<YNode> value = field(node, path, where);
            if (value.isEmpty()) {
                return Optional.empty();
            }
            put(tree, path, value.get());
        }
        return Optional.of(toMap(tree, where));
    }

    private static Optional<YNode> field(FleetNode node, List<String> path, Location where) {
        return switch (path.get(0)) {
            case "certname" -> Optional.of(YScalar.string(node.certname(), where));
            case "environment" -> Optional.of(YScalar.string(node.environment(), where));
            case "roles" -> Optional.of(new YList(node.roles().stream().map(r -> (YNode) YScalar.string(r, where)).toList(), where));
            // a fact is text wherever it came from: an ENC[...] a node reports is never opened (facts are not the site's)
            default -> Lookup.path(node.facts().root(), path.subList(1, path.size()).toArray(String[]::new))
                    .map(v -> relocated(v, where));
        };
    }

    /** A fact value placed at the query, as plain values: no secret, no location in another node's facts. */
    private static YNode relocated(YNode value, Location where) {
        if (value instanceof YMap map) {
            return new YMap(map.entries().stream().map(e -> new YMap.Entry(YScalar.string(e.name(), where),
                    relocated(e.value(), where))).toList(), where);
        }
        if (value instanceof YList list) {
            return new YList(list.items().stream().map(v -> relocated(v, where)).toList(), where);
        }
        YScalar s = (YScalar) value;
        YScalar.Kind kind = s.kind() == YScalar.Kind.SECRET || s.kind() == YScalar.Kind.FAILED ? YScalar.Kind.STRING : s.kind();
        return new YScalar(s.text(), kind, s.quoted(), where);
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> tree, List<String> path, YNode value) {
        Map<String, Object> at = tree;
        for (int i = 0; i < path.size() - 1; i++) {
            Object next = at.computeIfAbsent(path.get(i), k -> new LinkedHashMap<String, Object>());
            if (!(next instanceof Map<?, ?>)) {
                return; // facts.a and facts.a.b both asked for: the whole of facts.a is already there
            }
            at = (Map<String, Object>) next;
        }
        at.put(path.get(path.size() - 1), value);
    }

    @SuppressWarnings("unchecked")
    private static YMap toMap(Map<String, Object> tree, Location where) {
        List<YMap.Entry> entries = new ArrayList<>();
        tree.forEach((k, v) -> entries.add(new YMap.Entry(YScalar.string(k, where),
                v instanceof Map<?, ?> m ? toMap((Map<String, Object>) m, where) : (YNode) v)));
        return new YMap(entries, where);
    }

    /** What the compile read of the fleet, as {@code sha256:…}; null when it read nothing. */
    String digest() {
        if (read.isEmpty()) {
            return null;
        }
        Map<String, Object> plain = new TreeMap<>();
        read.forEach((k, v) -> plain.put(k, TemplateValues.plain(v)));
        return "sha256:" + sha256(ModelJson.writeCompactBytes(plain));
    }

    /**
     * A digest of everything any query of the site could read of {@code snapshot}: every node's name,
     * environment, roles and standing, and the facts the site's queries read. Equal digests mean every
     * compile of this site reads the same of the fleet, so the master keys its catalog cache with it.
     * "none" for a site that never reads the fleet, whatever the fleet does.
     */
    static String viewDigest(Site site, FleetSnapshot snapshot) {
        if (!site.readsFleet()) {
            return "none";
        }
        List<List<String>> paths = site.fleetQueries().values().stream().flatMap(q -> q.paths().stream())
                .filter(p -> p.get(0).equals("facts")).distinct().sorted((a, b) -> String.join(".", a).compareTo(String.join(".", b)))
                .toList();
        Location where = Location.ofFile("fleet");
        List<Object> view = new ArrayList<>(snapshot.nodes().size());
        for (FleetNode node : snapshot.nodes()) {
            List<Object> facts = new ArrayList<>(paths.size());
            for (List<String> path : paths) {
                facts.add(field(node, path, where).map(TemplateValues::plain).orElse("\u0000absent"));
            }
            view.add(List.of(node.certname(), node.environment(), node.roles(), node.standing().wire(), facts));
        }
        return "sha256:" + sha256(ModelJson.writeCompactBytes(List.of(paths, view)));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code fleet} in a template: a query's answer or {@code role}, a map of role names to node names. */
    private final class TemplateFleet extends AbstractMap<String, Object> {
        private final Location where;

        TemplateFleet(Location where) {
            this.where = where;
        }

        @Override
        public boolean containsKey(Object key) {
            return FleetQueryParser.ROLE.equals(key) || queries.containsKey(key);
        }

        @Override
        public Object get(Object key) {
            if (FleetQueryParser.ROLE.equals(key)) {
                return new AbstractMap<String, Object>() {
                    @Override
                    public boolean containsKey(Object role) {
                        return roles.contains(role);
                    }

                    @Override
                    public Object get(Object role) {
                        return roles.contains(role) ? TemplateValues.plain(roleNodes((String) role, where)) : null;
                    }

                    @Override
                    public Set<Entry<String, Object>> entrySet() {
                        // a template that lists them reads every role's nodes (and the catalog's digest says so)
                        Set<Entry<String, Object>> entries = new LinkedHashSet<>();
                        new TreeSet<>(roles).forEach(r -> entries.add(new SimpleImmutableEntry<>(r, get(r))));
                        return entries;
                    }
                };
            }
            FleetQuery query = queries.get(key);
            return query == null ? null : TemplateValues.plain(answer(query));
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            // a template that lists the fleet reads every query's answer and every role's nodes
            Set<Entry<String, Object>> entries = new LinkedHashSet<>();
            entries.add(new SimpleImmutableEntry<>(FleetQueryParser.ROLE, get(FleetQueryParser.ROLE)));
            queries.keySet().forEach(name -> entries.add(new SimpleImmutableEntry<>(name, get(name))));
            return entries;
        }
    }
}
