package io.kraftwerk.model.catalog;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.OptBoolean;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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
 * @param fleetDigest   {@code sha256:…} of what the compile read of other nodes ({@code ${fleet.…}}), or null
 *                      when it read nothing: with the version and the node's facts, it says what the catalog
 *                      was made from
 */
public record Catalog(
        int formatVersion,
        @NotBlank String node,
        @NotBlank String environment,
        @NotBlank String version,
        @NotNull List<@NotNull @Valid CatalogResource> resources,
        @NotNull List<@NotNull @Valid Edge> edges,
        // optional on the wire, both ways: catalogs that read no fleet data (and those cached before the field
        // existed, on every node) have none, and read as null
        @JsonInclude(JsonInclude.Include.NON_NULL) @JacksonInject(value = "fleet_digest", useInput = OptBoolean.TRUE,
                optional = OptBoolean.TRUE) @Pattern(regexp = "sha256:[0-9a-f]{64}") String fleetDigest) {

    public static final int FORMAT_VERSION = 1;

    /** A catalog that read nothing of the fleet. */
    public Catalog(int formatVersion, String node, String environment, String version, List<CatalogResource> resources,
                   List<Edge> edges) {
        this(formatVersion, node, environment, version, resources, edges, null);
    }

    public Catalog {
        resources = resources == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(resources));
        edges = edges == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(edges));
    }
}
