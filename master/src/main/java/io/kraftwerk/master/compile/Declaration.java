package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.resource.ResourceId;

/**
 * A resource as declared for one node, before ordering.
 *
 * @param resource   the validated desired state
 * @param meta       relationships, audit and tags as written
 * @param provenance where it came from, as the catalog records it
 * @param location   the declaration's position (for messages)
 */
record Declaration(Resource resource, Meta meta, Provenance provenance, Location location) {
    ResourceId id() {
        return resource.id();
    }
}
