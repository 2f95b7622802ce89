package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.model.catalog.CatalogResource;
import java.util.List;

/**
 * What the walk means to do with one resource, decided before anything changes for it: what the
 * catalog wants, what the node has, the difference, and the decision. It is made when the walk
 * reaches the resource, after what it depends on was applied, so the read sees those changes.
 *
 * @param resource the catalog resource
 * @param desired  the catalog's wish as properties; null when skipped (or when even that failed)
 * @param observed what the node has; null when skipped or unreadable
 * @param changes  desired against observed; empty when skipped or unreadable
 * @param decision what to do
 * @param reason   why it is skipped, unreadable or held (a pinned release), for the report; empty otherwise
 */
record ResourcePlan(CatalogResource resource, Desired desired, Observed observed, List<Change> changes, Decision decision,
                    String reason) {

    /** What the walk does with a resource. */
    enum Decision {
        /** The node holds what the catalog wants. */
        IN_SYNC,
        /** Apply the changes. */
        CHANGE,
        /** Noop: the changes are shown and reported, never applied. */
        WOULD_CHANGE,
        /** {@code audit: true}: out of sync, reported, never changed. */
        AUDIT,
        /** Something it depends on failed or was skipped: not even read. */
        SKIP,
        /** Its current state could not be read. */
        UNREADABLE
    }

    ResourcePlan {
        changes = List.copyOf(changes);
    }

    static ResourcePlan skip(CatalogResource resource, String reason) {
        return new ResourcePlan(resource, null, null, List.of(), Decision.SKIP, reason);
    }

    String id() {
        return resource.id();
    }
}
