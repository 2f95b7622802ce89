package io.kraftwerk.master.compile;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One node as the fleet knows it when a catalog is compiled: what the master last heard from it.
 *
 * @param certname    its certificate's name
 * @param environment the environment it last ran (or asked for)
 * @param roles       the roles the site gave it when its catalog was last compiled, in the site's order
 * @param facts       the facts it last sent
 * @param standing    whether it reports, and whether its last run failed
 */
public record FleetNode(String certname, String environment, List<String> roles, Facts facts, Standing standing) {
    public FleetNode {
        Objects.requireNonNull(certname, "certname");
        Objects.requireNonNull(environment, "environment");
        roles = List.copyOf(roles);
        facts = facts == null ? Facts.empty() : facts;
        Objects.requireNonNull(standing, "standing");
    }

    /** How a node stands, from its last report or its silence. */
    public enum Standing {
        /** Its last report, within twice the run interval, did not fail. */
        REPORTING,
        /** Its last run failed. */
        FAILED,
        /** No report for twice the run interval, or none yet. */
        UNRESPONSIVE;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
