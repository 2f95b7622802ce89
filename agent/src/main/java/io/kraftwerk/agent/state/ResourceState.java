package io.kraftwerk.agent.state;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the agent last knew of one resource.
 *
 * @param properties       per property, the last value the system held (a digest for content
 *                         and secrets)
 * @param correctiveStreak on how many runs in a row the resource needed a corrective change
 */
public record ResourceState(SortedMap<String, String> properties, int correctiveStreak) {
    public ResourceState {
        properties = Collections.unmodifiableSortedMap(new TreeMap<>(properties == null ? new TreeMap<>() : properties));
    }
}
