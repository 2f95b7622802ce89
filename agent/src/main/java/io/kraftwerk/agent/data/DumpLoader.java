package io.kraftwerk.agent.data;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.postgresql.DatabaseState;
import io.kraftwerk.agent.provider.postgresql.Psql;
import io.kraftwerk.model.dump.DumpArchive;
import io.kraftwerk.model.dump.DumpFormatException;
import io.kraftwerk.model.dump.DumpManifest;
import io.kraftwerk.model.dump.DumpPart;
import io.kraftwerk.model.resource.DataDirResource;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kw-agent data load}: restores a dump into an app of this node in three steps, and replaces
 * nothing until the first two have succeeded for every part.
 * <ol>
 * <li>Check: the archive is read whole into a root-only staging directory, each part against the
 *     manifest's size and SHA-256 ({@link DumpArchive}); the app and each part must be this node's
 *     (a data dir or database the catalog gives the app).</li>
 * <li>Prepare beside the live data: each data dir is unpacked, as the data dir's owner (so the
 *     archive can write nothing that user could not), into a new directory next to it; each
 *     database is restored into a new database, as its owner role (never as the superuser a crafted
 *     dump could abuse), in one transaction, stopping at the first error.</li>
 * <li>Switch: the app's services stop, each data dir and database is swapped for its new one by
 *     renames (a failure puts back what was swapped), the services start, then the old data goes.</li>
 * </ol>
 * Parts of the app the dump does not hold are left as they are.
 */
final class DumpLoader {
    private final ProviderContext context;
    private final Path stagingParent;

    DumpLoader(ProviderContext context, Path stagingParent) {
        this.context = context;
        this.stagingParent = stagingParent;
    }

    /**
     * What a load made beside the live data, recorded the moment each thing exists, so that whatever
     * fails, the loader knows what to remove (before the switch) or what to put back (during it).
     */
    private static final class Prepared {
        /** Each data dir and the new directory its dump was unpacked into. */
        final Map<DataDirResource, Path> dirs = new LinkedHashMap<>();
        /** Each database and the new database its dump was restored into. */
        final Map<PostgresqlDatabaseResource, String> databases = new LinkedHashMap<>();
    }

    /** What a switch left to remove once the app serves again: the old data, no longer live. */
    private record Leftovers(List<Path> dirs, Map<Integer, List<String>> databases) {
    }

    DumpManifest load(AppData app, InputStream archive, String source, AppServices services) throws IOException, DataException {
        Path staging = Staging.create(stagingParent, "load-");
        Prepared prepared = new Prepared();
        boolean switched = false;
        try {
            DumpManifest manifest = check(app, archive, source, staging);
            for (DumpPart part : manifest.parts()) {
                if (part.kind() == DumpPart.Kind.DATA_DIR) {
                    unpack(app.dataDirs().get(part.name()), staging.resolve(part.file()), staging, prepared);
                } else {
                    restore(app.databases().get(part.name()), staging.resolve(part.file()), staging, prepared);
                }
            }
            Leftovers leftovers;
            List<String> stopped = services.stop(context);
            try {
                leftovers = switchTo(prepared);
                switched = true;
            } catch (DataException | IOException | RuntimeException e) {
                AppServices.startAfter(stopped, context, e);
                throw e;
            }
            AppServices.start(stopped, context);
            // after the app serves again: removing gigabytes is not the app's downtime
            leftovers.dirs().forEach(this::removeTree);
            leftovers.databases().forEach((port, names) -> names.forEach(name -> drop(port, name)));
            return manifest;
        } finally {
            if (!switched) {
                prepared.dirs.values().forEach(this::removeTree);
                prepared.databases.forEach((db, temporary) -> drop(db.port(), temporary));
            }
            Staging.remove(staging);
        }
    }

    /** Reads the archive into staging, checking every part, and that each is this app's. */
    private DumpManifest check(AppData app, InputStream archive, String source, Path staging) throws IOException, DataException {
        // others may pass through (to the owner's own directory below) but list nothing, and each part is root's alone
        Files.createDirectory(staging.resolve("data_dir"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        Files.createDirectory(staging.resolve("database"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        DumpManifest manifest;
        try {
            manifest = DumpArchive.read(archive, source, part -> {
                if (part.kind() == DumpPart.Kind.DATA_DIR ? !app.dataDirs().containsKey(part.name()) : !app.databases().containsKey(part.name())) {
                    throw new IOException(new DataException(source + " holds " + (part.kind() == DumpPart.Kind.DATA_DIR ? "data dir '"
                            : "database '") + part.name() + "', which " + app.app() + " does not have on this node (" + app.describe()
                            + "); nothing was changed"));
                }
                return Files.newOutputStream(Files.createFile(staging.resolve(part.file()),
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))));
            });
        } catch (DumpFormatException e) {
            throw new DataException(e.getMessage() + "; nothing was changed");
        } catch (IOException e) {
            if (e.getCause() instanceof DataException d) {
                throw d;
            }
            throw e;
        }
        if (!manifest.app().equals(app.app())) {
            throw new DataException(source + " is a dump of " + manifest.app() + " (made on " + manifest.node() + "), not of " + app.app()
                    + "; nothing was changed");
        }
        return manifest;
    }

    /**
     * Unpacks a data dir's tar as its owner into a new directory beside it, with the live dir's owner,
     * group and mode (the catalog's where it sets them). Never as root: the archive could then make
     * setuid files or devices.
     */
    private void unpack(DataDirResource dir, Path tar, Path staging, Prepared prepared) throws IOException, DataException {
        Path live = context.path(dir.path());
        PosixFileAttributes now = Files.readAttributes(live, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String owner = dir.owner() != null ? dir.owner() : now.owner().getName();
        String group = dir.group() != null ? dir.group() : now.group().getName();
        if (owner.equals("root")) {
            throw new DataException("data dir " + dir.path() + " is root's: a dump is unpacked as the data dir's owner, never as root"
                    + " (an archive could make setuid files or devices); give the data_dir an owner; nothing was changed");
        }
        Path fresh = Files.createTempDirectory(live.getParent(), "." + live.getFileName() + ".kw-load-");
        prepared.dirs.put(dir, fresh);
        Staging.chown(fresh, owner + ":" + group, context);
        chmod(fresh, dir.mode() != null ? dir.mode() : Integer.toOctalString(mode(now)));
        Path readable = Staging.forUser(staging.resolve("data_dir").resolve("for-" + Integer.toHexString(dir.path().hashCode())), owner,
                context);
        Path copy = readable.resolve("part.tar");
        Files.move(tar, copy);
        Staging.chown(copy, owner, context);
        CommandResult result = context.runner().run(List.of(Psql.RUNUSER, "-u", owner, "--", "tar", "--extract", "--file=" + copy,
                "--directory=" + fresh, "--no-same-owner", "--no-overwrite-dir", "--delay-directory-restore"));
        if (!result.succeeded()) {
            throw new DataException("cannot unpack data dir " + dir.path() + " from the dump (tar as " + owner + "): "
                    + result.describeFailure() + "; nothing was changed");
        }
    }

    /** A file's read, write and execute bits as a number (Java sees no setuid, setgid or sticky bit: the data_dir's mode gives those). */
    private static int mode(PosixFileAttributes attributes) {
        int mode = 0;
        for (PosixFilePermission p : attributes.permissions()) {
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }

    /**
     * Restores a database's dump into a new database of the same owner, connected as that role: over
     * TCP with its password, or without one over the socket as the system user of its name (peer).
     * An owner with powers beyond its databases (a superuser, or one that reaches the server's files
     * or programs) is refused: a crafted dump would run with them.
     */
    private void restore(PostgresqlDatabaseResource db, Path dump, Path staging, Prepared prepared) throws IOException, DataException {
        Psql psql = new Psql(db.port(), db.password() == null ? List.of() : List.of(db.password()));
        try {
            DatabaseState owner = DatabaseState.read(db, psql, context);
            if (!owner.roleExists()) {
                throw new DataException("database " + db.name() + "'s owner role " + db.owner() + " does not exist: run kw-agent first"
                        + " (it makes the role); nothing was changed");
            }
            if (!owner.powers().isEmpty()) {
                throw new DataException("database " + db.name() + "'s owner role " + db.owner() + " may do more than own its databases ("
                        + owner.powers() + "), and a dump is restored as that role: a crafted one would use it. A run takes those"
                        + " powers away (kw-agent run), or give the database an owner of its own; nothing was changed");
            }
        } catch (ProviderException e) {
            throw new DataException(e.getMessage());
        }
        if (db.password() == null && !userExists(db.owner())) {
            throw new DataException("database " + db.name() + " has no password, so its owner " + db.owner() + " connects over the socket"
                    + " as the system user of its name, and there is no such user: give the database a password, or name its owner"
                    + " after the app's user; nothing was changed");
        }
        String temporary = temporaryName("kw_load_", db.name());
        drop(db.port(), temporary); // a load that died before left it
        try {
            psql.createdb(new PostgresqlDatabaseResource(temporary, Ensure.PRESENT, db.owner(), null, db.encoding(), db.locale(), db.port(),
                    false), context);
        } catch (ProviderException e) {
            throw new DataException("cannot make a database to restore " + db.name() + " into: " + e.getMessage());
        }
        prepared.databases.put(db, temporary);
        List<String> argv = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        String reader = db.password() != null ? "root" : db.owner();
        Path readable = Staging.forUser(staging.resolve("database").resolve(temporary), reader, context);
        if (db.password() != null) {
            Path passfile = Files.createFile(readable.resolve("pgpass"), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(passfile, "127.0.0.1:" + db.port() + ":" + temporary + ":" + pgpass(db.owner()) + ":" + pgpass(db.password())
                    + "\n", StandardCharsets.UTF_8);
            env.put("PGPASSFILE", passfile.toString());
            argv.addAll(List.of("/usr/bin/pg_restore", "--host=127.0.0.1", "--port=" + db.port()));
        } else {
            argv.addAll(List.of(Psql.RUNUSER, "-u", db.owner(), "--", "/usr/bin/pg_restore",
                    "--host=" + PostgresqlDatabaseResource.SOCKET_DIRECTORY, "--port=" + db.port()));
        }
        Path copy = readable.resolve("part.pgdump");
        Files.move(dump, copy);
        Staging.chown(copy, reader, context);
        argv.addAll(List.of("--username=" + db.owner(), "--no-password", "--dbname=" + temporary, "--no-owner", "--no-privileges",
                "--exit-on-error", "--single-transaction", copy.toString()));
        CommandResult result = context.runner().run(argv, env, null);
        if (!result.succeeded()) {
            throw new DataException("cannot restore database " + db.name() + " as its owner " + db.owner() + " (pg_restore on "
                    + Psql.where(db.port()) + "): " + withoutPassword(result.describeFailure(), db) + "; nothing was changed");
        }
    }

    private boolean userExists(String user) throws IOException {
        return context.runner().run(List.of("getent", "passwd", user)).succeeded();
    }

    /**
     * Swaps each prepared data dir and database in, the app stopped. Each step's undo is known the
     * moment the step is done; on a failure the steps done are undone in reverse, and the new data
     * they brought is left in {@code prepared} for the caller to remove. Returns the old data, which
     * the caller removes once the app serves again.
     */
    private Leftovers switchTo(Prepared prepared) throws IOException, DataException {
        Deque<Undo> undo = new ArrayDeque<>();
        List<Path> oldDirs = new ArrayList<>();
        Map<Integer, List<String>> oldDatabases = new LinkedHashMap<>();
        try {
            for (Map.Entry<DataDirResource, Path> entry : prepared.dirs.entrySet()) {
                Path live = context.path(entry.getKey().path());
                Path fresh = entry.getValue();
                Path old = live.resolveSibling("." + live.getFileName() + ".kw-old-" + Long.toHexString(System.nanoTime()));
                Files.move(live, old, StandardCopyOption.ATOMIC_MOVE);
                undo.push(() -> Files.move(old, live, StandardCopyOption.ATOMIC_MOVE));
                Files.move(fresh, live, StandardCopyOption.ATOMIC_MOVE);
                undo.push(() -> Files.move(live, fresh, StandardCopyOption.ATOMIC_MOVE));
                oldDirs.add(old);
            }
            for (Map.Entry<PostgresqlDatabaseResource, String> entry : prepared.databases.entrySet()) {
                PostgresqlDatabaseResource db = entry.getKey();
                String old = temporaryName("kw_old_", db.name());
                drop(db.port(), old);
                Map<String, String> names = Psql.variables("live", db.name(), "fresh", entry.getValue(), "old", old);
                // nobody new gets in, those in are ended, and the renames (one transaction) wait 10 s at most for them to go
                try {
                    psql(db.port(), "switch database " + db.name(), names, CLOSE, false);
                    psql(db.port(), "switch database " + db.name(), names, """
                            ALTER DATABASE :"live" RENAME TO :"old";
                            ALTER DATABASE :"fresh" RENAME TO :"live";
                            """, true);
                } catch (DataException | IOException e) {
                    reopen(db.port(), names);
                    throw e;
                }
                undo.push(() -> psql(db.port(), "put database " + db.name() + " back", names, """
                        ALTER DATABASE :"live" RENAME TO :"fresh";
                        ALTER DATABASE :"old" RENAME TO :"live";
                        ALTER DATABASE :"live" WITH ALLOW_CONNECTIONS true;
                        """, true));
                oldDatabases.computeIfAbsent(db.port(), p -> new ArrayList<>()).add(old);
            }
        } catch (DataException | IOException | RuntimeException e) {
            List<String> notUndone = new ArrayList<>();
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (DataException | IOException | RuntimeException u) {
                    notUndone.add(u.getMessage());
                }
            }
            throw new DataException("the switch to the dump's data failed (" + e.getMessage() + "); " + (notUndone.isEmpty()
                    ? "what was switched is back as it was" : "and could not all be put back: " + String.join("; ", notUndone)
                    + " — see the .kw-old-* folders beside the data dirs and the kw_old_* databases"), e);
        }
        return new Leftovers(oldDirs, oldDatabases);
    }

    /** One step of a switch, undone. */
    @FunctionalInterface
    private interface Undo {
        void run() throws IOException, DataException;
    }

    private void reopen(int port, Map<String, String> names) {
        try {
            psql(port, "open database again", names, "ALTER DATABASE :\"live\" WITH ALLOW_CONNECTIONS true;\n", false);
        } catch (DataException | IOException e) {
            // the failure that led here is reported; this one would only hide it
        }
    }

    /** Removes a tree the app's user owns with rm, which does not follow a link the user swaps in meanwhile. */
    private void removeTree(Path dir) {
        try {
            context.runner().run(List.of("rm", "-rf", "--one-file-system", "--", dir.toString()));
        } catch (IOException e) {
            // left beside the data dir, named .kw-load-* or .kw-old-*: the failure that led here, or none, is the news
        }
    }

    /** Closes a database to new connections and ends the ones it has, waiting until they are gone. */
    static final String CLOSE = """
            ALTER DATABASE :"live" WITH ALLOW_CONNECTIONS false;
            SELECT set_config('kraftwerk.live', :'live', false);
            SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = :'live' AND pid <> pg_backend_pid();
            DO $$
            BEGIN
              FOR i IN 1..100 LOOP
                EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_setting('kraftwerk.live')
                                      AND pid <> pg_backend_pid());
                PERFORM pg_sleep(0.1);
              END LOOP;
            END
            $$;
            """;

    private void drop(int port, String database) {
        try {
            psql(port, "drop database " + database, Psql.variables("db", database), "DROP DATABASE IF EXISTS :\"db\" WITH (FORCE);\n", false);
        } catch (IOException | DataException e) {
            // a temporary database left behind is dropped by the next load; the failure that led here is the news
        }
    }

    private void psql(int port, String what, Map<String, String> variables, String script, boolean oneTransaction)
            throws IOException, DataException {
        try {
            new Psql(port, List.of()).run(what, variables, script, oneTransaction, context);
        } catch (ProviderException e) {
            throw new DataException(e.getMessage());
        }
    }

    private void chmod(Path path, String mode) throws IOException, DataException {
        CommandResult result = context.runner().run(List.of("chmod", mode, path.toString()));
        if (!result.succeeded()) {
            throw new DataException("cannot set the mode of " + path + ": " + result.describeFailure());
        }
    }

    /** A name within PostgreSQL's 63 bytes whatever the database's, the same for the same database. */
    static String temporaryName(String prefix, String database) {
        return prefix + HexFormat.of().formatHex(DumpArchive.sha256().digest(database.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
    }

    /** A value of a .pgpass line: ':' and '\' escaped. */
    static String pgpass(String value) {
        return value.replace("\\", "\\\\").replace(":", "\\:");
    }

    private static String withoutPassword(String text, PostgresqlDatabaseResource db) {
        return db.password() == null ? text : text.replace(db.password(), "[sensitive]");
    }
}
