package io.kraftwerk.model.catalog;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The compiled desired state of one node.
 *
 * @param formatVersion the catalog format version, {@link #FORMAT_VERSION}
 * @param node          the node's certname
 * @param environment   the environment it was compiled for
 * @param version       the manifests' version: a git commit id, or {@code sha256:…} of the files
 * @param resources     every resource, in an order that respects every edge
 * @param edges         every relationship, explicit and implied
 */
public record Catalog(
        int formatVersion,
        @NotBlank String node,
        @NotBlank String environment,
        @NotBlank String version,
        @NotNull List<@NotNull @Valid CatalogResource> resources,
        @NotNull List<@NotNull @Valid Edge> edges) {

    public static final int FORMAT_VERSION = 1;

    public Catalog {
        resources = resources == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(resources));
        edges = edges == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(edges));
    }
}
