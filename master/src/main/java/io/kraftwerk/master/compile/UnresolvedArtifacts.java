package io.kraftwerk.master.compile;

import io.kraftwerk.model.resource.ArtifactRef;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The index of {@code kw-master lint} without a store: every {@code artifact:} requirement passes,
 * unresolved, and is remembered so lint can say which ones it could not check. Not for catalogs
 * that are served: those would pin nothing.
 */
public final class UnresolvedArtifacts implements ArtifactIndex {
    private final Set<String> named = new TreeSet<>();

    @Override
    public synchronized List<ArtifactRef> files(String name, String version) {
        named.add(name + "==" + version);
        return List.of();
    }

    @Override
    public boolean resolves() {
        return false;
    }

    /** Each release asked for, {@code name==version}, sorted. */
    public synchronized List<String> named() {
        return List.copyOf(named);
    }
}
