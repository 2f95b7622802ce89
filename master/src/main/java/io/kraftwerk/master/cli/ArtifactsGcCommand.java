package io.kraftwerk.master.cli;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.artifacts.ArtifactStore;
import io.kraftwerk.master.artifacts.ReferencedArtifacts;
import io.kraftwerk.master.artifacts.StoredArtifact;
import io.kraftwerk.master.manifest.QuietJGit;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kw-master artifacts gc --manifests REPO [--delete]}: the files no commit of any environment
 * names. Only says what it would remove unless told {@code --delete}: a removed release cannot be
 * served again, and a CI job may have added one for a commit it has not pushed yet (hence the
 * minimum age too).
 */
@Command(name = "gc", description = {"List, and with --delete remove, the files that no commit of any branch (environment)"
        + " of the manifests repository names with artifact:NAME==VERSION.",
    "Without --delete nothing is removed. Files younger than --min-age are kept: CI adds them before it pushes the commit that"
        + " names them."})
final class ArtifactsGcCommand extends ArtifactsCommand.Action {
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,6})([smhd])");

    @Option(names = "--manifests", required = true, paramLabel = "REPO", description = {"The manifests git repository (a work"
            + " tree or a bare repository).", "For a master that mirrors a URL: its DATA/manifests.git."})
    Path manifests;

    @Option(names = "--delete", description = "Remove the unreferenced files (default: only list them).")
    boolean delete;

    @Option(names = "--min-age", paramLabel = "DURATION", defaultValue = "1d",
            description = "Keep files added less than this long ago, e.g. 12h or 7d (default: ${DEFAULT-VALUE}).")
    String minAge;

    @Override
    void run(ArtifactStore store, PrintWriter out) throws ArtifactException, IOException {
        // here, not in a static block: picocli makes every subcommand when kw-master starts, and
        // 'serve' keeps JGit's settings in its data directory instead (QuietJGit.keepIn)
        QuietJGit.install();
        Instant youngest = Clock.systemUTC().instant().minus(duration(minAge));
        ReferencedArtifacts.References references;
        File dir = manifests.toFile();
        File dotGit = new File(dir, Constants.DOT_GIT);
        try (Repository repository = new FileRepositoryBuilder().setMustExist(true).setGitDir(dotGit.isDirectory() ? dotGit : dir)
                .build()) {
            references = ReferencedArtifacts.in(repository);
        } catch (IOException e) {
            throw new IOException("cannot read the manifests repository " + manifests + ": " + e.getMessage()
                    + " (pass the git repository the master serves, or its DATA/manifests.git)", e);
        }
        if (references.commits() == 0) {
            throw ArtifactException.badRequest(manifests + " has no branch with a commit: without the manifests nothing can be"
                    + " known to be unreferenced, so nothing is removed");
        }
        List<StoredArtifact> unreferenced = new ArrayList<>();
        int young = 0;
        for (StoredArtifact a : store.snapshot().artifacts()) {
            if (references.keeps(a)) {
                continue;
            }
            if (a.added().isAfter(youngest)) {
                young++;
                continue;
            }
            unreferenced.add(a);
        }
        for (StoredArtifact a : unreferenced) {
            if (delete) {
                store.remove(a);
            }
            out.println((delete ? "removed       " : "would remove  ") + ArtifactsCommand.describe(a));
        }
        out.printf("%d commits read; %d files %s; %d unreferenced but younger than %s kept%s%n", references.commits(),
                unreferenced.size(), delete ? "removed" : "unreferenced", young, minAge,
                delete || unreferenced.isEmpty() ? "" : " (run again with --delete to remove them)");
        if (!references.anyVersion().isEmpty()) {
            out.println("every version kept of " + String.join(", ", references.anyVersion()) + ": a commit names them with a"
                    + " version that is not written out or read from data (write artifact:NAME==VERSION or ==${data.KEY})");
        }
    }

    static Duration duration(String text) throws ArtifactException {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw ArtifactException.badRequest("--min-age '" + text + "' is not a duration such as 30m, 12h or 7d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
