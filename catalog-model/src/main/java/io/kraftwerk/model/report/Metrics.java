package io.kraftwerk.model.report;

import jakarta.validation.constraints.NotNull;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Numbers of a run.
 *
 * @param resources         resource count by status (every status present, zeros included)
 * @param totalResources    resources in the catalog
 * @param outOfSync         properties found out of sync
 * @param changes           properties changed
 * @param correctiveChanges changes that repaired drift
 * @param millisByType      time spent per resource type
 * @param totalMillis       the whole run, catalog loading to report
 */
public record Metrics(
        @NotNull SortedMap<String, Integer> resources,
        int totalResources,
        int outOfSync,
        int changes,
        int correctiveChanges,
        @NotNull SortedMap<String, Long> millisByType,
        long totalMillis) {

    public Metrics {
        resources = Collections.unmodifiableSortedMap(new TreeMap<>(resources == null ? new TreeMap<>() : resources));
        millisByType = Collections.unmodifiableSortedMap(new TreeMap<>(millisByType == null ? new TreeMap<>() : millisByType));
    }
}
