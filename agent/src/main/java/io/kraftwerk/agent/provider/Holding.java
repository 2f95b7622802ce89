package io.kraftwerk.agent.provider;

import io.kraftwerk.model.resource.Resource;

/**
 * A provider whose resource can be held back from the catalog on purpose by someone on the node
 * (a release pinned by {@code kw-agent rollback}). A held resource that differs from the catalog is
 * reported as drift, as with {@code audit: true}, and not changed; the reason says who holds it and
 * until when.
 */
public interface Holding<R extends Resource> {
    /** @return why the resource is held as it is, or null when it is not held. Pure: reads only what observe found. */
    String heldBecause(R resource, Desired desired, Observed observed);
}
