package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.ManifestException;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet of an offline compile ({@code compile}, {@code lint}, {@code diff} without a master): every
 * node the site declares (facts or trusted-facts fixtures, rules naming one node), classified by the
 * site with its fixture facts, all reporting. A node the site cannot classify is left out; its own
 * compile says why.
 */
public final class FleetFixtures {
    private FleetFixtures() {
    }

    public static FleetSnapshot of(Site site) {
        List<FleetNode> nodes = new ArrayList<>();
        for (String name : site.declaredNodes()) {
            Facts facts = site.factFixtures().getOrDefault(name, Facts.empty());
            try {
                CatalogCompiler.NodeEnvironment classified = CatalogCompiler.environment(site,
                        new CompileRequest(name, facts, null, site.trustedFixture(name)));
                nodes.add(new FleetNode(name, classified.environment(), classified.roles(), facts, FleetNode.Standing.REPORTING));
            } catch (ManifestException e) {
                // not in the fleet: its own compile reports the classification error
            }
        }
        return new FleetSnapshot(nodes);
    }
}
