package io.kraftwerk.agent.data;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
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
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
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
 *     renames, the services start, and the old data goes.</li>
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

    /** What a load prepared: new dirs and databases beside the live ones. */
    private record Prepared(Map<DataDirResource, Path> dirs, Map<PostgresqlDatabaseResource, String> databases) {
    }

    DumpManifest load(AppData app, InputStream archive, String source, AppServices services) throws IOException, DataException {
        Path staging = Staging.create(stagingParent, "load-");
        Prepared prepared = new Prepared(new LinkedHashMap<>(), new LinkedHashMap<>());
        boolean switched = false;
        try {
            DumpManifest manifest = check(app, archive, source, staging);
            for (DumpPart part : manifest.parts()) {
                if (part.kind() == DumpPart.Kind.DATA_DIR) {
                    DataDirResource dir = app.dataDirs().get(part.name());
                    prepared.dirs().put(dir, unpack(dir, staging.resolve(part.file()), staging));
                } else {
                    PostgresqlDatabaseResource db = app.databases().get(part.name());
                    prepared.databases().put(db, restore(db, staging.resolve(part.file()), staging));
                }
            }
            List<String> stopped = services.stop(context);
            try {
                switchTo(prepared);
                switched = true;
            } finally {
                AppServices.start(stopped, context);
            }
            return manifest;
        } finally {
            if (!switched) {
                prepared.dirs().values().forEach(Staging::remove);
                for (var entry : prepared.databases().entrySet()) {
                    drop(entry.getKey().port(), entry.getValue());
                }
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

    /** Unpacks a data dir's tar as its owner into a new directory beside it, with the data dir's owner, group and mode. */
    private Path unpack(DataDirResource dir, Path tar, Path staging) throws IOException, DataException {
        String owner = dir.owner() == null ? "root" : dir.owner();
        Path live = context.path(dir.path());
        Path fresh = Files.createTempDirectory(live.getParent(), "." + live.getFileName() + ".kw-load-");
        Staging.chown(fresh, owner + (dir.group() == null ? "" : ":" + dir.group()), context);
        chmod(fresh, dir.mode() == null ? "0750" : dir.mode());
        Path readable = Staging.forUser(staging.resolve("data_dir").resolve("for-" + dir.path().hashCode()), owner, context);
        Path copy = readable.resolve("part.tar");
        Files.move(tar, copy);
        Staging.chown(copy, owner, context);
        List<String> argv = new ArrayList<>();
        if (!owner.equals("root")) {
            argv.addAll(List.of(Psql.RUNUSER, "-u", owner, "--"));
        }
        argv.addAll(List.of("tar", "--extract", "--file=" + copy, "--directory=" + fresh, "--no-same-owner", "--no-overwrite-dir",
                "--delay-directory-restore"));
        CommandResult result = context.runner().run(argv);
        if (!result.succeeded()) {
            Staging.remove(fresh);
            throw new DataException("cannot unpack data dir " + dir.path() + " from the dump (tar as " + owner + "): "
                    + result.describeFailure() + "; nothing was changed");
        }
        return fresh;
    }

    /**
     * Restores a database's dump into a new database of the same owner, connected as that role: over
     * TCP with its password, or without one over the socket as the system user of its name (peer).
     */
    private String restore(PostgresqlDatabaseResource db, Path dump, Path staging) throws IOException, DataException {
        String temporary = temporaryName("kw_load_", db.name());
        drop(db.port(), temporary); // a load that died before left it
        Psql psql = new Psql(db.port(), db.password() == null ? List.of() : List.of(db.password()));
        try {
            psql.createdb(new PostgresqlDatabaseResource(temporary, Ensure.PRESENT, db.owner(), null, db.encoding(), db.locale(), db.port(),
                    false), context);
        } catch (ProviderException e) {
            throw new DataException("cannot make a database to restore " + db.name() + " into: " + e.getMessage());
        }
        List<String> argv = new ArrayList<>();
        Map<String, String> env = new LinkedHashMap<>();
        Path readable;
        if (db.password() != null) {
            readable = Staging.forUser(staging.resolve("database").resolve(temporary), "root", context);
            Path passfile = readable.resolve("pgpass");
            Files.writeString(passfile, "127.0.0.1:" + db.port() + ":" + temporary + ":" + pgpass(db.owner()) + ":" + pgpass(db.password())
                    + "\n", StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(passfile, PosixFilePermissions.fromString("rw-------"));
            env.put("PGPASSFILE", passfile.toString());
            argv.addAll(List.of("/usr/bin/pg_restore", "--host=127.0.0.1", "--port=" + db.port()));
        } else {
            readable = Staging.forUser(staging.resolve("database").resolve(temporary), db.owner(), context);
            argv.addAll(List.of(Psql.RUNUSER, "-u", db.owner(), "--", "/usr/bin/pg_restore",
                    "--host=" + PostgresqlDatabaseResource.SOCKET_DIRECTORY, "--port=" + db.port()));
        }
        Path copy = readable.resolve("part.pgdump");
        Files.move(dump, copy);
        Staging.chown(copy, db.password() != null ? "root" : db.owner(), context);
        argv.addAll(List.of("--username=" + db.owner(), "--no-password", "--dbname=" + temporary, "--no-owner", "--no-privileges",
                "--exit-on-error", "--single-transaction", copy.toString()));
        CommandResult result = context.runner().run(argv, env, null);
        if (!result.succeeded()) {
            drop(db.port(), temporary);
            throw new DataException("cannot restore database " + db.name() + " as its owner " + db.owner() + " (pg_restore on "
                    + Psql.where(db.port()) + "): " + withoutPassword(result.describeFailure(), db)
                    + (db.password() == null ? "; without a password the owner connects as the system user of its name: give the"
                    + " database a password, or name its owner after the app's user" : "") + "; nothing was changed");
        }
        return temporary;
    }

    /** Swaps each prepared data dir and database in; on a failure, what was swapped goes back. */
    private void switchTo(Prepared prepared) throws IOException, DataException {
        List<Runnable> undo = new ArrayList<>();
        try {
            for (var entry : prepared.dirs().entrySet()) {
                Path live = context.path(entry.getKey().path());
                Path fresh = entry.getValue();
                Path old = live.resolveSibling("." + live.getFileName() + ".kw-old-" + Long.toHexString(System.nanoTime()));
                Files.move(live, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(fresh, live, StandardCopyOption.ATOMIC_MOVE);
                undo.add(() -> {
                    try {
                        Files.move(live, fresh, StandardCopyOption.ATOMIC_MOVE);
                        Files.move(old, live, StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException e) {
                        // reported with the failure that started the undo
                    }
                });
                entry.setValue(old); // what remains to remove once all is switched
            }
            for (var entry : prepared.databases().entrySet()) {
                PostgresqlDatabaseResource db = entry.getKey();
                String old = temporaryName("kw_old_", db.name());
                drop(db.port(), old);
                Map<String, String> names = Psql.variables("live", db.name(), "fresh", entry.getValue(), "old", old);
                // nobody new gets in, those in are ended, and the renames wait (10 s at most) until they are gone
                psql(db.port(), "close database " + db.name() + " for the switch", names, CLOSE, false);
                try {
                    psql(db.port(), "swap database " + db.name(), names, """
                            ALTER DATABASE :"live" RENAME TO :"old";
                            ALTER DATABASE :"fresh" RENAME TO :"live";
                            """, true);
                } catch (DataException e) {
                    psql(db.port(), "open database " + db.name() + " again", names, "ALTER DATABASE :\"live\" WITH ALLOW_CONNECTIONS true;\n",
                            false);
                    throw e;
                }
                entry.setValue(old);
            }
        } catch (IOException | DataException | RuntimeException e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                undo.get(i).run();
            }
            throw e instanceof DataException d ? d : new DataException("the switch to the dump's data failed (" + e.getMessage()
                    + "); the data dirs switched so far were put back", e);
        }
        prepared.dirs().values().forEach(Staging::remove);
        for (var entry : prepared.databases().entrySet()) {
            drop(entry.getKey().port(), entry.getValue());
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
