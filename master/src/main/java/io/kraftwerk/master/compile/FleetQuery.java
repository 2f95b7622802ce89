package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Location;
import java.util.List;
import java.util.Set;

/**
 * A question the site may ask about the fleet, declared under {@code fleet:} in site.yaml and read as
 * {@code ${fleet.NAME}}: which nodes (by role, name, environment and standing) and what of each (the
 * fields asked for, or one text per node). Nothing else of another node is ever visible: the
 * declarations in site.yaml are the whole list of what crosses from one node into another's catalog.
 *
 * @param name        the name references use
 * @param role        nodes that hold this role, or null for any
 * @param names       nodes whose name matches, or null for any
 * @param environment nodes of this environment; null for the compiled node's own, {@link #ANY} for every one
 * @param fields      what each item holds, as paths ({@code certname}, {@code environment}, {@code roles},
 *                    {@code facts.…}); empty when {@code each} is given
 * @param each        one text per node, or null
 * @param include     standings kept besides reporting nodes
 * @param location    where the query is declared
 */
record FleetQuery(String name, String role, NodeRule.NameMatcher names, String environment, List<List<String>> fields,
                  Each each, Set<FleetNode.Standing> include, Location location) {
    static final String ANY = "any";
    /** What a field path or an {@code each} reference may start with. */
    static final List<String> FIELD_ROOTS = List.of("certname", "environment", "roles", "facts");

    FleetQuery {
        fields = List.copyOf(fields);
        include = Set.copyOf(include);
    }

    boolean selects(FleetNode node, String compiledEnvironment) {
        return (role == null || node.roles().contains(role))
                && (names == null || names.matches(node.certname()))
                && (environment == null ? node.environment().equals(compiledEnvironment)
                        : environment.equals(ANY) || node.environment().equals(environment))
                && (node.standing() == FleetNode.Standing.REPORTING || include.contains(node.standing()));
    }

    /** The paths this query reads from a node, beyond its name, environment, roles and standing. */
    List<List<String>> paths() {
        return each != null ? each.paths() : fields;
    }

    /**
     * A text with references to one node's fields: {@code "${facts.networking.ip}:80"}.
     *
     * @param parts literal texts (String) and field paths (List of String), in order
     */
    record Each(List<Object> parts) {
        List<List<String>> paths() {
            return parts.stream().filter(p -> p instanceof List<?>).map(p -> {
                @SuppressWarnings("unchecked")
                List<String> path = (List<String>) p;
                return path;
            }).toList();
        }
    }
}
