package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.YScalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders a node's roles: each role's includes come before it, depth first, and a role included
 * twice is applied once, at its first place. Include cycles are errors.
 */
final class RoleExpander {
    private final Map<String, RoleDef> roles;
    private final Diagnostics diagnostics;
    private final Map<String, RoleDef> ordered = new LinkedHashMap<>();
    private final List<String> stack = new ArrayList<>();

    private RoleExpander(Map<String, RoleDef> roles, Diagnostics diagnostics) {
        this.roles = roles;
        this.diagnostics = diagnostics;
    }

    static List<RoleDef> expand(Map<String, RoleDef> roles, List<YScalar> assigned, Diagnostics diagnostics) {
        RoleExpander expander = new RoleExpander(roles, diagnostics);
        assigned.forEach(expander::visit);
        return List.copyOf(expander.ordered.values());
    }

    private void visit(YScalar reference) {
        String name = reference.text();
        if (stack.contains(name)) {
            List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(name), stack.size()));
            cycle.add(name);
            diagnostics.error(reference.location(), "role include cycle: " + String.join(" -> ", cycle),
                    "remove one of these includes");
            return;
        }
        RoleDef role = roles.get(name);
        if (role == null || ordered.containsKey(name)) {
            return; // unknown roles were reported when the site was parsed
        }
        stack.add(name);
        role.includes().forEach(this::visit);
        stack.remove(stack.size() - 1);
        ordered.putIfAbsent(name, role);
    }
}
