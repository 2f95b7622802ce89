package io.kraftwerk.agent.data;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.postgresql.Psql;
import io.kraftwerk.model.dump.DumpArchive;
import io.kraftwerk.model.dump.DumpManifest;
import io.kraftwerk.model.dump.DumpPart;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.DataDirResource;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kw-agent data dump}: one archive of an app's data dirs (tar, read by root without following
 * links, one file system) and databases ({@code pg_dump} custom format, one transaction's snapshot),
 * with a manifest of each part's size and SHA-256 ({@link DumpArchive}). Unless {@code online}, the
 * app's services are stopped while its data is read, so files and rows are of one moment. The
 * parts are made in the agent's work directory; the archive is written (by GNU tar) beside its
 * final name and renamed into place whole, readable by root alone.
 */
final class DumpMaker {
    private final ProviderContext context;
    private final Path workDir;

    /** @param workDir where the parts are made: a directory the postgres user can pass through (pg_dump writes there) */
    DumpMaker(ProviderContext context, Path workDir) {
        this.context = context;
        this.workDir = workDir;
    }

    /** Writes the dump of {@code app} made on {@code node} to {@code output}. */
    DumpManifest dump(String node, AppData app, AppServices services, boolean online, Path output) throws IOException, DataException {
        Path staging = Staging.create(workDir, "dump-");
        try {
            Instant created = context.clock().instant();
            List<String> stopped = online ? List.of() : services.stop(context);
            List<DumpPart> parts;
            try {
                parts = read(app, staging);
            } catch (IOException | DataException | RuntimeException e) {
                AppServices.startAfter(stopped, context, e);
                throw e;
            }
            AppServices.start(stopped, context);
            DumpManifest manifest = new DumpManifest(DumpManifest.FORMAT_VERSION, node, app.app(), created,
                    online ? DumpManifest.ONLINE : DumpManifest.CONSISTENT, parts);
            Path partial = Files.createTempFile(output.toAbsolutePath().getParent(), "." + output.getFileName() + ".", ".part",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                assemble(manifest, staging, partial);
                Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
            return manifest;
        } finally {
            Staging.remove(staging);
        }
    }

    /**
     * The archive as {@link DumpArchive} reads it, written by GNU tar from the staging directory: the
     * manifest, then the parts in its order, plain files of root's with mode 0600 and the dump's time
     * (GNU format, whose sizes have no 8 GiB limit). tar copies a part at the disk's pace, where a tar
     * writer in Java takes twice as long for the same gigabytes.
     */
    private void assemble(DumpManifest manifest, Path staging, Path archive) throws IOException, DataException {
        Files.write(Files.createFile(staging.resolve(DumpArchive.MANIFEST), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))), ModelJson.writeBytes(manifest));
        List<String> argv = new ArrayList<>(List.of("tar", "--create", "--file=" + archive, "--directory=" + staging, "--format=gnu",
                "--no-recursion", "--owner=0", "--group=0", "--numeric-owner", "--mode=0600", "--mtime=@"
                + manifest.created().getEpochSecond(), "--", DumpArchive.MANIFEST));
        for (DumpPart part : manifest.parts()) {
            if (Files.size(staging.resolve(part.file())) != part.size()) {
                throw new DataException(part.file() + " changed while the dump was written (this is a Kraftwerk bug, please report it)");
            }
            argv.add(part.file());
        }
        CommandResult tar = context.runner().run(argv);
        if (!tar.succeeded()) {
            throw new DataException("cannot write the dump to " + archive.getParent() + ": " + tar.describeFailure());
        }
    }

    private List<DumpPart> read(AppData app, Path staging) throws IOException, DataException {
        List<DumpPart> parts = new ArrayList<>();
        Files.createDirectory(staging.resolve("data_dir"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        for (var dir : app.dataDirs().entrySet()) {
            parts.add(dataDir(dir.getKey(), dir.getValue(), staging));
        }
        if (!app.databases().isEmpty()) {
            Staging.forUser(staging.resolve("database"), "postgres", context);
            for (PostgresqlDatabaseResource db : app.databases().values()) {
                parts.add(database(db, staging));
            }
        }
        return parts;
    }

    private DumpPart dataDir(String name, DataDirResource dir, Path staging) throws IOException, DataException {
        String file = DumpPart.fileOf(DumpPart.Kind.DATA_DIR, name);
        Path part = staging.resolve(file);
        if (!Files.isDirectory(context.path(dir.path()))) {
            throw new DataException("data dir " + dir.path() + " does not exist on this node: run kw-agent first, then dump");
        }
        // root reads every file of it; links are kept as links, never followed out of the dir
        CommandResult tar = context.runner().run(List.of("tar", "--create", "--file=" + part, "--directory=" + context.path(dir.path()),
                "--one-file-system", "--numeric-owner", "--sparse", "."));
        if (!tar.succeeded()) {
            throw new DataException("cannot read data dir " + dir.path() + ": " + tar.describeFailure());
        }
        return new DumpPart(DumpPart.Kind.DATA_DIR, name, dir.path(), file, Files.size(part), Staging.sha256(part));
    }

    private DumpPart database(PostgresqlDatabaseResource db, Path staging) throws IOException, DataException {
        String file = DumpPart.fileOf(DumpPart.Kind.DATABASE, db.name());
        Path part = staging.resolve(file);
        List<String> argv = new ArrayList<>(List.of(Psql.RUNUSER, "-u", "postgres", "--", "/usr/bin/pg_dump", "--format=custom",
                "--file=" + part, "--no-password"));
        argv.addAll(new Psql(db.port(), List.of()).connection());
        argv.add("--dbname=" + db.name());
        CommandResult result = context.runner().run(argv);
        if (!result.succeeded()) {
            throw new DataException("cannot dump database " + db.name() + " (pg_dump on " + Psql.where(db.port()) + "): "
                    + result.describeFailure());
        }
        return new DumpPart(DumpPart.Kind.DATABASE, db.name(), db.name(), file, Files.size(part), Staging.sha256(part));
    }
}
