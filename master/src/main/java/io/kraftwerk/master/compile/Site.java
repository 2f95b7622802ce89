package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.ManifestFiles;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A parsed manifests tree, independent of any node: parse once per version, compile many nodes.
 * Parsing never stops at the first broken file: what could not be read is listed in
 * {@code problems}, which every compile reports along with its own errors, and the broken roles
 * and templates are skipped quietly so that one mistake is reported once.
 *
 * @param files              the snapshot it was parsed from (sources for {@code source:})
 * @param defaultEnvironment the environment of nodes whose rules name none
 * @param rules              classification rules in file order
 * @param roles              role definitions by name
 * @param data               data files by hierarchy level
 * @param factFixtures       facts of declared nodes for lint and offline compiles, by node name
 * @param trustedFixtures    trusted facts of declared nodes for lint and offline compiles (what their
 *                           certificates carry), by node name; never used for a node the master serves
 * @param templates          parsed templates
 * @param brokenRoles        roles whose file exists but could not be read
 * @param fleetQueries       the questions manifests may ask about other nodes ({@code fleet:} in site.yaml), by name
 * @param readsFleet         whether anything in the manifests may read the fleet ({@code ${fleet.…}}): a site that
 *                           cannot is compiled the same whatever the fleet does
 * @param rollout            how the environment of this branch takes a new commit ({@code rollout:}), or null
 * @param dumpAccess         which nodes may read which nodes' app dumps ({@code dump_access:}); none: only the node that made them
 * @param problems           errors found while parsing, sorted
 * @param warnings           what is allowed but probably unsafe or wrong ({@code lint} shows them), sorted
 */
public record Site(ManifestFiles files, String defaultEnvironment, List<NodeRule> rules, Map<String, RoleDef> roles,
                   DataLayers data, Map<String, Facts> factFixtures, Map<String, Map<String, String>> trustedFixtures,
                   TemplateSet templates, Set<String> brokenRoles, Map<String, FleetQuery> fleetQueries, boolean readsFleet,
                   RolloutPolicy rollout, List<DumpGrant> dumpAccess, List<Diagnostic> problems, List<Diagnostic> warnings) {

    /** The trusted facts a fixture gives {@code node} (trusted/NODE.yaml), or none. */
    public Map<String, String> trustedFixture(String node) {
        return trustedFixtures.getOrDefault(node, Map.of());
    }

    /** Whether the site lets {@code reader} read the dumps of {@code app} that {@code maker} made. */
    public boolean grantsDumps(String app, String maker, String reader) {
        return dumpAccess.stream().anyMatch(g -> g.allows(app, maker, reader));
    }

    /** The names of the site's fleet queries ({@code ${fleet.NAME}}), sorted. */
    public Set<String> fleetQueryNames() {
        return new TreeSet<>(fleetQueries.keySet());
    }

    public String version() {
        return files.version();
    }

    /** Nodes named exactly by a rule or by a facts or trusted-facts fixture: the nodes {@code lint} compiles. */
    public List<String> declaredNodes() {
        TreeSet<String> names = new TreeSet<>(factFixtures.keySet());
        names.addAll(trustedFixtures.keySet());
        for (NodeRule rule : rules) {
            if (rule.name() instanceof NodeRule.NameMatcher.Exact exact) {
                names.add(exact.name());
            }
        }
        return List.copyOf(names);
    }
}
