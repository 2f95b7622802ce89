package io.kraftwerk.agent.engine;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How far one run's walk of the catalog has come: the result of every resource it has passed, and
 * the results a batch made ahead of the walk, which it takes up when it reaches their resources.
 */
final class Walk {
    private final List<CatalogResource> resources;
    private final Map<String, List<Edge>> incoming;
    private final Map<String, ResourceResult> done = new HashMap<>();
    private final Map<String, ResourceResult> ahead = new HashMap<>();

    Walk(Catalog catalog) {
        this.resources = catalog.resources();
        this.incoming = catalog.edges().stream().collect(Collectors.groupingBy(Edge::to));
    }

    List<CatalogResource> resources() {
        return resources;
    }

    /** The resources after the one at {@code index}, in catalog order. */
    List<CatalogResource> after(int index) {
        return resources.subList(index + 1, resources.size());
    }

    /** The edges into a resource: what it depends on and what notifies it. */
    List<Edge> into(String id) {
        return incoming.getOrDefault(id, List.of());
    }

    /** The result of a resource the walk has passed, or null. */
    ResourceResult done(String id) {
        return done.get(id);
    }

    void passed(String id, ResourceResult result) {
        done.put(id, result);
    }

    Map<String, ResourceResult> results() {
        return done;
    }

    /** A result a batch made before the walk reached its resource. */
    void aheadOfTheWalk(String id, ResourceResult result) {
        ahead.put(id, result);
    }

    /** The result made ahead of the walk for this resource (once), or null. */
    ResourceResult takeAhead(String id) {
        return ahead.remove(id);
    }
}
