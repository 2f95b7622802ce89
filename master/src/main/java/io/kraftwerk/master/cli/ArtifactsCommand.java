package io.kraftwerk.master.cli;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.artifacts.ArtifactStore;
import io.kraftwerk.master.artifacts.FileArtifactStore;
import io.kraftwerk.master.artifacts.StoredArtifact;
import io.kraftwerk.master.settings.MasterPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code kw-master artifacts add FILE… | build DIR… | list | gc}: the master's artifact store on
 * this host's files. A running master sees what is added here on its next compile.
 */
@Command(name = "artifacts", mixinStandardHelpOptions = true,
        description = "Manage the artifact store: wheels and source archives that catalogs pin by SHA-256.",
        subcommands = {ArtifactsAddCommand.class, ArtifactsBuildCommand.class, ArtifactsCommand.ListCommand.class,
                ArtifactsGcCommand.class})
final class ArtifactsCommand {
    static final DateTimeFormatter ADDED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/kraftwerk-master", scope = ScopeType.INHERIT,
            description = "The master's data directory; the store is its artifacts/ folder (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--max-bytes", paramLabel = "BYTES", defaultValue = "" + FileArtifactStore.DEFAULT_MAX_BYTES,
            scope = ScopeType.INHERIT, description = "The largest file the store accepts (default: ${DEFAULT-VALUE}).")
    long maxBytes;

    ArtifactStore store() {
        return new FileArtifactStore(new MasterPaths(dataDir.toAbsolutePath()).artifacts(), maxBytes, Clock.systemUTC());
    }

    /** One line of {@code list}, and of what add and gc say about a file. */
    static String describe(StoredArtifact a) {
        return String.format("%-24s %-12s %-48s %s  %10d  %s", a.name(), a.version(), a.filename(),
                a.sha256().substring(0, 12), a.size(), ADDED.format(a.added()));
    }

    static String header() {
        return String.format("%-24s %-12s %-48s %s  %10s  %s", "NAME", "VERSION", "FILE", "SHA256      ", "BYTES", "ADDED (UTC)");
    }

    /** Runs an action on the store with uniform error output and exit status. */
    abstract static class Action implements Callable<Integer> {
        @ParentCommand
        ArtifactsCommand parent;

        @Spec
        CommandSpec spec;

        abstract void run(ArtifactStore store, PrintWriter out) throws ArtifactException, IOException, InterruptedException;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                run(parent.store(), out);
                out.flush();
                return 0;
            } catch (ArtifactException | IOException e) {
                out.flush();
                err.println("kw-master artifacts: " + e.getMessage());
                err.flush();
                return 1;
            }
        }
    }

    @Command(name = "list", description = "Show every file of the store: name, version, file, digest, size, when added.")
    static final class ListCommand extends Action {
        @Override
        void run(ArtifactStore store, PrintWriter out) throws ArtifactException {
            out.println(header());
            store.snapshot().artifacts().forEach(a -> out.println(describe(a)));
        }
    }
}
