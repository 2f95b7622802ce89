package io.kraftwerk.master.cli;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.artifacts.FileArtifactStore;
import io.kraftwerk.master.artifacts.StoredArtifact;
import io.kraftwerk.master.compile.ArtifactIndex;
import io.kraftwerk.master.settings.MasterPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Option;

/** {@code --artifacts DIR}: the store that {@code artifact:} requirements resolve against, for compile and lint. */
final class ArtifactsOption {
    @Option(names = "--artifacts", paramLabel = "DIR",
            description = "The artifact store to resolve artifact:NAME==VERSION requirements with: a master's DATA/artifacts"
                    + " (or its data directory).")
    Path dir;

    boolean given() {
        return dir != null;
    }

    /** The store's contents now, as the compiler takes them. */
    ArtifactIndex index() throws ArtifactException {
        Path store = dir;
        if (!Files.isDirectory(store.resolve("index")) && Files.isDirectory(new MasterPaths(dir).artifacts())) {
            store = new MasterPaths(dir).artifacts(); // the data directory was given
        }
        if (!Files.isDirectory(store)) {
            throw ArtifactException.badRequest("there is no artifact store at " + dir + " (give a master's DATA/artifacts,"
                    + " which 'kw-master artifacts add --data-dir DATA' fills)");
        }
        return ArtifactIndex.of(new FileArtifactStore(store, FileArtifactStore.DEFAULT_MAX_BYTES, Clock.systemUTC()).snapshot()
                .artifacts().stream().map(StoredArtifact::ref).toList());
    }
}
