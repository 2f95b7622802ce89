package io.kraftwerk.agent.run;

import io.kraftwerk.agent.client.CatalogCache;
import io.kraftwerk.agent.client.MasterClient;
import io.kraftwerk.agent.client.MasterDumps;
import io.kraftwerk.agent.client.SslFiles;
import io.kraftwerk.agent.client.Tls;
import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.data.AppData;
import io.kraftwerk.agent.data.AppDumps;
import io.kraftwerk.agent.data.DataException;
import io.kraftwerk.agent.engine.AgentContext;
import io.kraftwerk.agent.engine.RunLock;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.dump.DumpManifest;
import io.kraftwerk.model.dump.DumpPart;
import io.kraftwerk.model.json.DocumentFormatException;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.RestoreFrom;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code kw-agent data dump|load|push|pull}: an app's data as the catalog this node last applied
 * declares it. Dumps and loads hold the run lock (no run changes the app meanwhile); moving bytes
 * to and from the master does not.
 */
public final class DataCommands {
    static final Duration DUMP_TIMEOUT = Duration.ofMinutes(30);
    private final Host host;
    private final AgentPaths paths;
    private final Path catalogFile;
    private final Duration lockTimeout;
    private final Duration serviceTimeout;

    /** @param catalogFile the catalog to read the app from instead of the one the last run cached (apply-only nodes); null: that one */
    public DataCommands(Host host, AgentPaths paths, Path catalogFile, Duration lockTimeout, Duration serviceTimeout) {
        this.host = host;
        this.paths = paths;
        this.catalogFile = catalogFile;
        this.lockTimeout = lockTimeout;
        this.serviceTimeout = serviceTimeout;
    }

    public int dump(String app, List<String> parts, Path output, boolean online, PrintStream out, PrintStream err) {
        try (RunLock lock = RunLock.acquire(paths.lock(), lockTimeout)) {
            Catalog catalog = catalog();
            AppData data = AppData.of(catalog, app).only(parts);
            DumpManifest manifest = dumps(err).dump(catalog.node(), data, online, output);
            out.println(describe(manifest) + " to " + output + ": " + parts(manifest));
            return 0;
        } catch (Exception e) {
            return failed("dump", e, err);
        }
    }

    public int load(String app, Path archive, PrintStream out, PrintStream err) {
        try (RunLock lock = RunLock.acquire(paths.lock(), lockTimeout)) {
            AppData data = AppData.of(catalog(), app);
            DumpManifest manifest = dumps(err).load(data, archive);
            out.println("Loaded " + describe(manifest) + " from " + archive + ": " + parts(manifest));
            return 0;
        } catch (Exception e) {
            return failed("load", e, err);
        }
    }

    public int push(String app, List<String> parts, boolean online, Path configFile, PrintStream out, PrintStream err) {
        Path archive = null;
        try {
            AgentConfig config = AgentConfig.load(configFile);
            archive = AppDumps.newFile(paths.dumps(), "push-");
            DumpManifest manifest;
            try (RunLock lock = RunLock.acquire(paths.lock(), lockTimeout)) {
                Catalog catalog = catalog();
                manifest = dumps(err).dump(catalog.node(), AppData.of(catalog, app).only(parts), online, archive);
            }
            MasterDumps.Stored stored = master(config).push(app, archive);
            out.println("Pushed " + describe(manifest) + ": " + parts(manifest) + " to " + config.server() + " as dump "
                    + stored.id() + " (sha256 " + stored.sha256().substring(0, 16) + "…)");
            return 0;
        } catch (Exception e) {
            return failed("push", e, err);
        } finally {
            delete(archive);
        }
    }

    /**
     * Fetches the newest dump of {@code from}'s {@code fromApp} (default: what the app's restore_from names)
     * and loads it into {@code app}; keeps a copy at {@code keep} if given.
     */
    public int pull(String app, String from, String fromApp, Path keep, Path configFile, PrintStream out, PrintStream err) {
        Path archive = null;
        try {
            AgentConfig config = AgentConfig.load(configFile);
            AppData data = AppData.of(catalog(), app);
            RestoreFrom source = source(data, from, fromApp);
            archive = AppDumps.newFile(paths.dumps(), "pull-");
            MasterDumps.Fetched fetched = master(config).pull(source.node(), source.app(), archive);
            if (keep != null) {
                keepCopy(archive, keep);
            }
            DumpManifest manifest;
            try (RunLock lock = RunLock.acquire(paths.lock(), lockTimeout)) {
                manifest = dumps(err).load(AppData.of(catalog(), app), archive);
            }
            out.println("Loaded " + source.node() + "'s dump " + fetched.id() + " of " + source.app() + " (made " + fetched.created()
                    + ") into " + app + ": " + parts(manifest));
            return 0;
        } catch (Exception e) {
            return failed("pull", e, err);
        } finally {
            delete(archive);
        }
    }

    /** A copy of the dump at {@code keep}, made root's alone (0600) before a byte is in it: a dump is as sensitive as the data. */
    private static void keepCopy(Path archive, Path keep) throws IOException {
        Path partial = Files.createTempFile(keep.toAbsolutePath().getParent(), "." + keep.getFileName() + ".", ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            try (OutputStream out = Files.newOutputStream(partial)) {
                Files.copy(archive, out);
            }
            Files.move(partial, keep, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    static RestoreFrom source(AppData app, String from, String fromApp) throws DataException {
        RestoreFrom declared = app.release().restoreFrom();
        if (from == null && declared == null) {
            throw new DataException(app.app() + " declares no restore_from: name the node whose dump to load with --from NODE");
        }
        return new RestoreFrom(from != null ? from : declared.node(),
                fromApp != null ? fromApp : from != null || declared == null ? app.app() : declared.app());
    }

    private AppDumps dumps(PrintStream err) throws IOException {
        AgentContext context = new AgentContext(host.runner(), host.root(), paths.backups(), host.clock(), serviceTimeout);
        context.onLog(line -> err.println("kw-agent data: " + line.message()));
        return new AppDumps(context, paths.stateDir(), workDir());
    }

    private MasterDumps master(AgentConfig config) throws Exception {
        SslFiles ssl = SslFiles.in(config.stateDir());
        if (!Files.exists(ssl.certificate())) {
            throw new DataException("this node has no certificate yet: run 'kw-agent bootstrap --server URL --certname NAME'");
        }
        // the master checks a whole pushed archive before it answers: minutes for a large one
        MasterClient client = new MasterClient(config.server(), Tls.context(ssl.ca(), ssl.certificate(), ssl.key()),
                DUMP_TIMEOUT, MasterClient.Retry.standard());
        return new MasterDumps(client, config.certname());
    }

    private Catalog catalog() throws DataException, IOException {
        if (catalogFile != null) {
            try {
                return ModelJson.readCatalog(Files.readAllBytes(catalogFile), catalogFile.toString());
            } catch (DocumentFormatException e) {
                throw new DataException(String.join("; ", e.problems()));
            }
        }
        Optional<CatalogCache.Cached> cached = new CatalogCache(paths.stateDir()).load();
        if (cached.isEmpty()) {
            throw new DataException("this node has no catalog yet: run kw-agent first (or give --catalog FILE)");
        }
        return cached.get().catalog();
    }

    private Path workDir() throws IOException {
        AppDumps.sweep(paths.dumps(), host.clock().instant());
        return AppDumps.workDir(paths.dumps());
    }

    private static void delete(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            // a leftover in the agent's own dumps directory, swept a day later by the next data command
        }
    }

    static String describe(DumpManifest manifest) {
        return "the dump of " + manifest.app() + " (" + manifest.consistency() + ")";
    }

    static String parts(DumpManifest manifest) {
        return manifest.parts().isEmpty() ? "no parts" : String.join(", ", manifest.parts().stream().map(p -> (p.kind()
                == DumpPart.Kind.DATA_DIR ? "data dir " : "database ") + p.name() + " (" + p.size() + " bytes)").toList());
    }

    private static int failed(String command, Exception e, PrintStream err) {
        err.println("kw-agent data " + command + ": " + e.getMessage());
        return e instanceof RunLock.BusyException ? Exit.NOT_RUN : 4;
    }
}
