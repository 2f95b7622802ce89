package io.kraftwerk.master.cli;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.artifacts.ArtifactStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kw-master artifacts add FILE…}: stores wheels or source archives; the same file again changes nothing. */
@Command(name = "add", description = {"Add wheels or source archives to the store, keyed by their SHA-256.",
    "Adding a file that is already stored changes nothing; another file under a stored file's name is refused."})
final class ArtifactsAddCommand extends ArtifactsCommand.Action {
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "A .whl, .tar.gz or .zip, named as pip or build named it.")
    List<Path> files = new ArrayList<>();

    @Override
    void run(ArtifactStore store, PrintWriter out) throws ArtifactException, IOException {
        for (Path file : files) {
            add(store, file, out);
        }
    }

    static void add(ArtifactStore store, Path file, PrintWriter out) throws ArtifactException, IOException {
        if (!Files.isRegularFile(file)) {
            throw ArtifactException.badRequest(file + " is not a file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            ArtifactStore.Added added = store.add(file.getFileName().toString(), in, null);
            out.println((added.added() ? "added     " : "unchanged ") + ArtifactsCommand.describe(added.artifact()));
            out.flush();
        }
    }
}
