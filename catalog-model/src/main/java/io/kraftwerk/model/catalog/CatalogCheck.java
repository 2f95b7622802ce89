package io.kraftwerk.model.catalog;

import io.kraftwerk.model.resource.ResourceId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Structural rules a catalog must satisfy beyond per-field constraints, so the agent can trust it:
 * ids are unique and match their resources, edges join known resources, and the resource order
 * respects every edge.
 */
public final class CatalogCheck {
    private CatalogCheck() {
    }

    public static List<String> problems(Catalog catalog) {
        List<String> problems = new ArrayList<>();
        if (catalog.formatVersion() != Catalog.FORMAT_VERSION) {
            problems.add("format_version: expected " + Catalog.FORMAT_VERSION + ", got " + catalog.formatVersion());
        }
        Map<String, Integer> position = new HashMap<>();
        List<CatalogResource> resources = catalog.resources();
        for (int i = 0; i < resources.size(); i++) {
            CatalogResource r = resources.get(i);
            String actual = r.resource().id().toString();
            if (!actual.equals(r.id())) {
                problems.add("resources[" + i + "].id: '" + r.id() + "' does not match its resource, which is " + actual);
            }
            if (ResourceId.parse(r.id()).isEmpty()) {
                problems.add("resources[" + i + "].id: '" + r.id() + "' is not of the form type[title]");
            }
            Integer previous = position.putIfAbsent(r.id(), i);
            if (previous != null) {
                problems.add("resources[" + i + "].id: duplicate of resources[" + previous + "] (" + r.id() + ")");
            }
        }
        List<Edge> edges = catalog.edges();
        for (int i = 0; i < edges.size(); i++) {
            Edge e = edges.get(i);
            Integer from = position.get(e.from());
            Integer to = position.get(e.to());
            if (from == null) {
                problems.add("edges[" + i + "].from: no resource '" + e.from() + "' in this catalog");
            }
            if (to == null) {
                problems.add("edges[" + i + "].to: no resource '" + e.to() + "' in this catalog");
            }
            if (from != null && to != null && from >= to) {
                problems.add("edges[" + i + "]: " + e.from() + " must come before " + e.to()
                        + " in 'resources' (the order must respect every edge)");
            }
        }
        return problems;
    }
}
