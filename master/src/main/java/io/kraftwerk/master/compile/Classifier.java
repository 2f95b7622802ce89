package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YScalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies the rules of {@code site.yaml} to one node. Every matching rule contributes, in file order:
 * roles are concatenated (first mention wins), per-node data is layered, and the environment must
 * not be set to two different values.
 */
final class Classifier {
    private Classifier() {
    }

    /**
     * @param roles       role references, each where it was written
     * @param environment the environment to compile for
     * @param ruleData    the {@code data:} maps of matching rules, in file order
     */
    record Classification(List<YScalar> roles, String environment, List<YMap> ruleData) {
    }

    static Classification classify(Site site, String node, Facts facts, Map<String, String> trusted, String requested,
                                   Diagnostics diagnostics) {
        Map<String, YScalar> roles = new LinkedHashMap<>();
        List<YMap> data = new ArrayList<>();
        YScalar environment = null;
        Set<String> allowed = new LinkedHashSet<>();
        boolean matched = false;
        for (NodeRule rule : site.rules()) {
            if (!rule.matches(node, facts, trusted)) {
                continue;
            }
            matched = true;
            rule.roles().forEach(r -> roles.putIfAbsent(r.text(), r));
            if (rule.data() != null) {
                data.add(rule.data());
            }
            allowed.addAll(rule.allowEnvironments());
            if (rule.environment() != null) {
                if (environment != null && !environment.text().equals(rule.environment().text())) {
                    diagnostics.error(rule.environment().location(), "node '" + node + "' is put in environment '"
                            + rule.environment().text() + "' here but in '" + environment.text() + "' at "
                            + environment.location(), "set the environment in one rule only");
                } else if (environment == null) {
                    environment = rule.environment();
                }
            }
        }
        if (!matched) {
            diagnostics.error(new Location(SiteParser.SITE_FILE, 1, 1), "no rule in site.yaml matches node '" + node + "'",
                    "add a rule such as '- name: " + node + "' with its roles");
        }
        String classified = environment != null ? environment.text() : site.defaultEnvironment();
        // the environment asked for is the branch being compiled: a catalog of it is of that environment
        // (what encrypted values scoped to an environment are checked against), never of the one a branch's
        // own site.yaml claims — with an error when the branch does not allow it
        String chosen = requested != null ? requested : classified;
        if (requested != null && !requested.equals(classified)) {
            if (!allowed.contains(requested)) {
                Location where = environment != null ? environment.location() : new Location(SiteParser.SITE_FILE, 1, 1);
                diagnostics.error(where, "node '" + node + "' may not use environment '" + requested
                        + "'; the manifests put it in '" + classified + "'",
                        "list '" + requested + "' under allow_environments in a rule that matches the node");
            }
        }
        return new Classification(List.copyOf(roles.values()), chosen, data);
    }
}
