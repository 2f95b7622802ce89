package io.kraftwerk.master.serve;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.artifacts.ArtifactStore;
import io.kraftwerk.master.artifacts.FileArtifactStore;
import io.kraftwerk.master.artifacts.StoredArtifact;
import io.kraftwerk.master.compile.ArtifactIndex;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.settings.MasterPaths;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.resource.ArtifactRef;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The artifact store as the running master uses it: a snapshot of it for each compile, and which
 * files each node may download — exactly those the catalog it was last served pins. That is kept
 * in memory: after a restart a node may download again once it has fetched its catalog, which every
 * agent run does first.
 */
@ApplicationScoped
public class ArtifactService {
    @Inject
    MasterConfig config;

    private ArtifactStore store;
    private final Map<String, Set<String>> pinned = new ConcurrentHashMap<>();
    private volatile Indexed indexed;

    /** A snapshot of the store as the compiler takes it, with its revision for the catalog cache's key. */
    public record Indexed(String revision, ArtifactIndex index) {
    }

    @PostConstruct
    void init() {
        store = new FileArtifactStore(new MasterPaths(config.dataDir()).artifacts(), config.maxArtifactBytes(), Clock.systemUTC());
    }

    public ArtifactStore store() {
        return store;
    }

    /** The store now, indexed once per revision. */
    public Indexed index() throws ArtifactException {
        ArtifactStore.Snapshot snapshot = store.snapshot();
        Indexed current = indexed;
        if (current == null || !current.revision().equals(snapshot.revision())) {
            current = new Indexed(snapshot.revision(), ArtifactIndex.of(snapshot.artifacts().stream().map(StoredArtifact::ref).toList()));
            indexed = current;
        }
        return current;
    }

    /** The digests a catalog pins. */
    static Set<String> pinnedBy(Catalog catalog) {
        Set<String> out = new TreeSet<>();
        for (CatalogResource r : catalog.resources()) {
            if (r.resource() instanceof WsgiReleaseResource release) {
                release.artifacts().stream().map(ArtifactRef::sha256).forEach(out::add);
            }
        }
        return Set.copyOf(out);
    }

    /** Remembers what the catalog just served to {@code certname} pins: all it may download. */
    void served(String certname, Set<String> digests) {
        pinned.put(certname, digests);
    }

    /**
     * Whether the catalog last served to {@code certname} pins the digest. Any other digest, stored
     * or not, gets the same refusal: an answer tells a node nothing about what other nodes run.
     */
    public boolean pins(String certname, String sha256) {
        return pinned.getOrDefault(certname, Set.of()).contains(sha256);
    }
}
