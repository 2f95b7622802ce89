package io.kraftwerk.agent.data;

import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.release.Releases;
import io.kraftwerk.agent.provider.runit.RunitSupervisor;
import io.kraftwerk.model.dump.DumpManifest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Dumps and loads of this node's apps, the entry the commands and the runs use: it finds the app's
 * live services (to stop them) from the release book under the agent's state directory.
 */
public final class AppDumps {
    private final ProviderContext context;
    private final Path stateDir;
    private final Path workDir;

    /**
     * @param stateDir the agent's state directory (the release books are there)
     * @param workDir  where dumps make their parts and loads stage what they read: root's, others may pass through (0711)
     */
    public AppDumps(ProviderContext context, Path stateDir, Path workDir) {
        this.context = context;
        this.stateDir = stateDir;
        this.workDir = workDir;
    }

    /**
     * The agent's directory for dumps ({@code STATE/dumps}), made if missing: root's, and others may pass
     * through it (0711) to the directory a dump or a load gives the postgres user or the app's user, but list
     * nothing; every file in it is 0600.
     */
    public static Path workDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        }
        return dir;
    }

    /**
     * Removes what commands that died left in the work directory more than a day ago: each is a full copy
     * of an app's data. A day, so that a push still sending its file (outside the run lock) keeps it.
     */
    public static void sweep(Path dir, Instant now) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path entry : entries.toList()) {
                FileTime modified = Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS);
                if (modified.toInstant().isBefore(now.minus(Duration.ofDays(1)))) {
                    Staging.remove(entry);
                }
            }
        } catch (IOException e) {
            // swept again by the next command
        }
    }

    /** A new empty file in the work directory, root's alone (0600), for a dump on its way to or from the master. */
    public static Path newFile(Path dir, String prefix) throws IOException {
        return Files.createTempFile(workDir(dir), prefix, ".kwdump", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------")));
    }

    /** Dumps the app's data to {@code output}, its services stopped meanwhile unless {@code online}. */
    public DumpManifest dump(String node, AppData app, boolean online, Path output) throws IOException, DataException {
        return new DumpMaker(context, workDir).dump(node, app, services(app), online, output);
    }

    /** Loads a dump archive into the app: checked whole, prepared beside, switched with the services stopped. */
    public DumpManifest load(AppData app, Path archive) throws IOException, DataException {
        if (!Files.isRegularFile(archive)) {
            throw new DataException(archive + " is not a file");
        }
        try (InputStream in = Files.newInputStream(archive)) {
            return new DumpLoader(context, workDir).load(app, in, archive.toString(), services(app));
        }
    }

    private AppServices services(AppData app) throws IOException, DataException {
        try {
            return AppServices.live(app, new Releases(new RunitSupervisor(), stateDir.resolve("releases")));
        } catch (ProviderException e) {
            throw new DataException("cannot read the releases of " + app.app() + ": " + e.getMessage(), e);
        }
    }
}
