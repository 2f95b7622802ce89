package io.kraftwerk.bench;

import io.kraftwerk.master.artifacts.FileArtifactStore;
import io.kraftwerk.master.artifacts.StoredArtifact;
import io.kraftwerk.master.artifacts.WheelBuild;
import io.kraftwerk.master.compile.ArtifactIndex;
import io.kraftwerk.testkit.DisposableNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;

/**
 * The example site's two apps built into an artifact store as the quick start does (the master's
 * own wheel build), and put into a node's agent cache, where a pull run would have fetched them:
 * a benchmark's {@code kw-agent apply FILE} has no master.
 */
final class SampleApps {
    private final FileArtifactStore store;

    private SampleApps(FileArtifactStore store) {
        this.store = store;
    }

    static SampleApps build(Path root, Path scratch) throws Exception {
        Path dir = Files.createDirectories(scratch).resolve("sample-artifacts");
        FileArtifactStore store = new FileArtifactStore(dir.resolve("store"), FileArtifactStore.DEFAULT_MAX_BYTES, Clock.systemUTC());
        for (String app : List.of("kwhello", "kwblog")) {
            new WheelBuild("/usr/bin/python3").buildInto(store, root.resolve("manifests/apps/" + app));
        }
        return new SampleApps(store);
    }

    ArtifactIndex index() throws Exception {
        return ArtifactIndex.of(store.snapshot().artifacts().stream().map(StoredArtifact::ref).toList());
    }

    void seed(DisposableNode node) throws Exception {
        for (StoredArtifact stored : store.snapshot().artifacts()) {
            Path dir = node.path("/var/lib/kraftwerk/artifacts/" + stored.sha256());
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            try (InputStream in = store.open(stored)) {
                Files.copy(in, dir.resolve(stored.filename()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
