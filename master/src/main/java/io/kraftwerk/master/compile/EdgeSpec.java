package io.kraftwerk.master.compile;

import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.resource.ResourceId;

/** An edge before ordering: {@code from} is applied before {@code to}. */
record EdgeSpec(ResourceId from, ResourceId to, EdgeKind kind, String reason) {
}
