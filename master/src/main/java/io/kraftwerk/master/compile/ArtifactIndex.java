package io.kraftwerk.master.compile;

import io.kraftwerk.model.resource.ArtifactRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the artifact store holds, as the compiler sees it: an input like the facts, so a compile
 * stays a pure function (the master passes a snapshot of its store; {@code kw-master compile} one
 * read from {@code --artifacts DIR}). A requirement {@code artifact:NAME==VERSION} resolves to every
 * file of that distribution version (its wheels and source archives), which the catalog then pins.
 */
public interface ArtifactIndex {
    /**
     * @param name    the distribution's name, normalised (PEP 503)
     * @param version its exact version, as written
     * @return every file of that version, sorted by file name; empty when the store has none
     */
    List<ArtifactRef> files(String name, String version);

    /** How to make a missing artifact available: the hint of the compile error. */
    default String howToAdd() {
        return "add it to the master's artifact store with 'kw-master artifacts add FILE' or 'kw-master artifacts build DIR'";
    }

    /**
     * False for an index that stands for no store at all ({@code kw-master lint} without
     * {@code --artifacts}, see {@link UnresolvedArtifacts}): requirements are then checked for
     * syntax only, and the catalog pins nothing for them.
     */
    default boolean resolves() {
        return true;
    }

    /** A store with nothing in it. */
    ArtifactIndex EMPTY = (name, version) -> List.of();

    /** The files given, e.g. a snapshot of the store. */
    static ArtifactIndex of(Collection<ArtifactRef> refs) {
        Map<String, List<ArtifactRef>> byRelease = new TreeMap<>();
        for (ArtifactRef ref : refs) {
            byRelease.computeIfAbsent(ref.name() + "==" + ref.version(), k -> new ArrayList<>()).add(ref);
        }
        byRelease.values().forEach(files -> files.sort(Comparator.comparing(ArtifactRef::filename)));
        Map<String, List<ArtifactRef>> frozen = new TreeMap<>();
        byRelease.forEach((k, v) -> frozen.put(k, List.copyOf(v)));
        return (name, version) -> frozen.getOrDefault(name + "==" + version, List.of());
    }

    /** No store was given where one is needed ({@code kw-master compile} without {@code --artifacts}). */
    static ArtifactIndex notGiven(String howToGive) {
        return new ArtifactIndex() {
            @Override
            public List<ArtifactRef> files(String name, String version) {
                return List.of();
            }

            @Override
            public String howToAdd() {
                return howToGive;
            }
        };
    }
}
