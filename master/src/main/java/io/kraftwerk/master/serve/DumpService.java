package io.kraftwerk.master.serve;

import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.dumps.DumpStore;
import io.kraftwerk.master.dumps.DumpStoreException;
import io.kraftwerk.master.git.Environments;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.settings.MasterPaths;
import io.kraftwerk.master.store.Dumps;
import io.kraftwerk.model.dump.DumpArchive;
import io.kraftwerk.model.dump.DumpFormatException;
import io.kraftwerk.model.dump.DumpManifest;
import io.kraftwerk.model.dump.DumpPart;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * App dumps nodes push and other nodes pull (kw-agent data push/pull): uploads in chunks, checked
 * whole before they are kept, kept encrypted ({@link DumpStore}), listed in the database
 * ({@link Dumps}), read by the node that made them and by the nodes its environment's site.yaml
 * grants them to ({@code dump_access:}), and forgotten by count and age.
 */
@ApplicationScoped
public class DumpService {
    private static final Logger LOG = Logger.getLogger(DumpService.class);
    /** Uploads a node may have open at once: each holds disk until it completes or is abandoned. */
    static final int OPEN_UPLOADS_PER_NODE = 2;
    /** An upload not completed within this is abandoned, and its chunks go. */
    static final Duration ABANDONED = Duration.ofDays(1);
    static final String UNKNOWN_ENVIRONMENT = "(unknown)";

    @Inject
    MasterConfig config;

    @Inject
    Dumps dumps;

    @Inject
    FleetService fleet;

    @Inject
    Environments environments;

    private DumpStore store;
    /** Uploads being checked now: one check per upload, and no chunk replaced under it. */
    private final Set<String> checking = ConcurrentHashMap.newKeySet();

    @PostConstruct
    void init() {
        MasterPaths paths = new MasterPaths(config.dataDir());
        store = new DumpStore(paths.dumps(), new SecretsKeys(paths.secrets()), new SecureRandom());
    }

    /** An upload begun: its id, and the chunks the node sends it in. */
    public record Begun(String upload, int chunkBytes, int chunks) {
    }

    public Begun begin(String certname, String app, long size, String sha256) throws IOException, DumpStoreException {
        if (size < 1024 || size > config.dumpMaxBytes()) {
            throw new DumpStoreException(size < 1024 ? 400 : 413, "a dump of " + size + " bytes: this master takes dumps of 1 KiB to "
                    + config.dumpMaxBytes() + " bytes (kraftwerk.master.dump-max-bytes)");
        }
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new DumpStoreException(400, "'sha256' must be the SHA-256 of the whole archive, 64 lowercase hex digits");
        }
        long open = store.uploadsBegunBefore(Instant.MAX).stream().filter(u -> u.certname().equals(certname)).count();
        if (open >= OPEN_UPLOADS_PER_NODE) {
            throw new DumpStoreException(429, certname + " has " + open + " uploads open; complete one, or wait a day for the master to"
                    + " drop them");
        }
        DumpStore.Dump upload = store.begin(certname, app, size, sha256, Instant.now());
        return new Begun(upload.id(), DumpStore.CHUNK_BYTES, upload.chunks());
    }

    public void chunk(String certname, String app, String id, int index, byte[] bytes) throws IOException, DumpStoreException {
        DumpStore.Dump upload = upload(certname, app, id);
        if (checking.contains(id)) {
            throw new DumpStoreException(409, "upload " + id + " is being checked: its chunks are what they are");
        }
        store.put(upload, index, bytes);
    }

    /** Drops an upload its node gave up on (it frees the node's place for another). */
    public void abort(String certname, String app, String id) throws IOException, DumpStoreException {
        upload(certname, app, id);
        if (!checking.contains(id)) {
            store.discardUpload(id);
        }
    }

    /**
     * Checks an upload whole — every chunk there, the archive's manifest, each part's size and digest,
     * the node and app it names, the digest of it all — and keeps it, or drops it saying why.
     */
    public Dumps.Row complete(String certname, String app, String id) throws IOException, DumpStoreException {
        Optional<Dumps.Row> done = dumps.byId(id).filter(row -> row.certname().equals(certname) && row.app().equals(app));
        if (done.isPresent()) {
            return done.get(); // asked again (the first answer was lost on the way): it is kept, once
        }
        DumpStore.Dump upload = upload(certname, app, id);
        if (!checking.add(id)) {
            throw new DumpStoreException(409, "upload " + id + " is being checked already: ask again in a while");
        }
        try {
            return check(upload, certname, app, id);
        } finally {
            checking.remove(id);
        }
    }

    private Dumps.Row check(DumpStore.Dump upload, String certname, String app, String id) throws IOException, DumpStoreException {
        List<Integer> missing = store.missing(upload);
        if (!missing.isEmpty()) {
            throw new DumpStoreException(409, "upload " + id + " lacks chunks " + missing + " of 0 to " + (upload.chunks() - 1)
                    + "; send them, then complete it");
        }
        DumpManifest manifest;
        String sha256;
        try (DigestInputStream in = new DigestInputStream(store.openUpload(upload), DumpArchive.sha256())) {
            manifest = DumpArchive.read(in, "the upload", part -> OutputStream.nullOutputStream());
            in.transferTo(OutputStream.nullOutputStream()); // the archive's end blocks count in its digest
            sha256 = HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (DumpFormatException e) {
            store.discardUpload(id);
            throw new DumpStoreException(400, e.getMessage() + " (the upload is dropped)");
        } catch (IOException e) {
            store.discardUpload(id);
            throw new DumpStoreException(500, "the upload could not be read back: " + e.getMessage() + " (dropped: push again)");
        }
        String problem = !manifest.node().equals(certname) ? "its manifest says it was made on " + manifest.node()
                : !manifest.app().equals(app) ? "its manifest says it holds app " + manifest.app()
                : !sha256.equals(upload.sha256()) ? "its SHA-256 is " + sha256 + ", not the " + upload.sha256() + " announced" : null;
        if (problem != null) {
            store.discardUpload(id);
            throw new DumpStoreException(400, "the upload is " + certname + "'s dump of " + app + ", but " + problem + " (dropped)");
        }
        String environment = fleet.environment(certname).filter(e -> !e.isBlank()).orElse(UNKNOWN_ENVIRONMENT);
        // the database keeps microseconds: the row answered now is the row read back later
        Dumps.Row row = new Dumps.Row(id, certname, app, environment, manifest.created().truncatedTo(ChronoUnit.MICROS),
                Instant.now().truncatedTo(ChronoUnit.MICROS), upload.size(), sha256,
                manifest.consistency(), manifest.parts().stream().map(DumpService::part).toList(), upload.chunks());
        store.keep(upload);
        dumps.add(row);
        LOG.infof("dumps: %s pushed dump %s of %s (%d bytes, %d parts)", certname, id, app, upload.size(), manifest.parts().size());
        retain(certname, app, Instant.now());
        return row;
    }

    /** The chunks an upload lacks (a node resuming an interrupted push sends only those). */
    public List<Integer> missing(String certname, String app, String id) throws IOException, DumpStoreException {
        return store.missing(upload(certname, app, id));
    }

    /** The dumps of the node's app {@code reader} may read, newest first. */
    public List<Dumps.Row> readable(String reader, String certname, String app) {
        return dumps.of(certname, app).stream().filter(row -> mayRead(reader, row)).toList();
    }

    /**
     * Whether {@code reader} may read the node's dumps of the app: the filter's check, before the method
     * picks the rows each of which it may read. With no dump yet, the site of the environment the node
     * is in now decides, so a granted node hears "none yet" (404) where any other hears 403.
     */
    public boolean mayReadAny(String reader, String certname, String app) {
        if (reader.equals(certname)) {
            return true;
        }
        List<Dumps.Row> rows = dumps.of(certname, app);
        if (rows.isEmpty()) {
            return granted(fleet.environment(certname).orElse(UNKNOWN_ENVIRONMENT), app, certname, reader);
        }
        return rows.stream().anyMatch(row -> mayRead(reader, row));
    }

    /**
     * The node itself, or a node the site.yaml of the environment the dump was made in grants it to,
     * at that branch's head now (a grant removed is removed at once; a branch cannot grant another's data).
     */
    public boolean mayRead(String reader, Dumps.Row row) {
        return reader.equals(row.certname()) || granted(row.environment(), row.app(), row.certname(), reader);
    }

    private boolean granted(String environment, String app, String maker, String reader) {
        if (environment.equals(UNKNOWN_ENVIRONMENT)) {
            return false;
        }
        try {
            Optional<Site> site = environments.site(environment);
            return site.isPresent() && site.get().grantsDumps(app, maker, reader);
        } catch (IOException | ManifestException | RuntimeException e) {
            LOG.warnf("dumps: cannot read the site of environment %s to decide whether %s may read %s's dumps (refused): %s",
                    environment, reader, maker, e.getMessage());
            return false;
        }
    }

    /** A stored dump's bytes, in the clear. */
    public InputStream open(Dumps.Row row) throws IOException, DumpStoreException {
        Optional<DumpStore.Dump> dump = store.stored(row.id());
        if (dump.isEmpty()) {
            throw new DumpStoreException(404, "dump " + row.id() + " is listed but its bytes are not on this master (several masters"
                    + " must share DATA/dumps, as they share DATA/ca)");
        }
        return store.open(dump.get());
    }

    /** Every dump of a node, for the dashboard: metadata only. */
    public List<Dumps.Row> ofNode(String certname) {
        return dumps.ofNode(certname);
    }

    @Scheduled(every = "1h", delayed = "2m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void hourly() {
        try {
            purge(Instant.now());
        } catch (IOException | RuntimeException e) {
            LOG.warnf("dumps: retention failed, tried again in an hour: %s", e.getMessage());
        }
    }

    /** Forgets dumps older than the retention and abandoned uploads. */
    public void purge(Instant now) throws IOException {
        for (Dumps.Row row : dumps.storedBefore(now.minus(config.dumpRetention()))) {
            forget(row, "older than " + config.dumpRetention());
        }
        for (DumpStore.Dump upload : store.uploadsBegunBefore(now.minus(ABANDONED))) {
            store.discardUpload(upload.id());
            LOG.infof("dumps: dropped %s's upload %s of %s, begun %s and never completed", upload.certname(), upload.id(), upload.app(),
                    upload.created());
        }
    }

    /** Keeps the newest {@code dump-keep} dumps of the node's app, none older than the retention. */
    void retain(String certname, String app, Instant now) throws IOException {
        List<Dumps.Row> rows = dumps.of(certname, app);
        Instant oldest = now.minus(config.dumpRetention());
        for (int i = 0; i < rows.size(); i++) {
            if (i >= config.dumpKeep()) {
                forget(rows.get(i), "beyond the newest " + config.dumpKeep());
            } else if (rows.get(i).storedAt().isBefore(oldest)) {
                forget(rows.get(i), "older than " + config.dumpRetention());
            }
        }
    }

    /** The row first: a listed dump without bytes would be offered and fail; bytes without a row are only disk. */
    private void forget(Dumps.Row row, String why) throws IOException {
        if (dumps.remove(row.id())) {
            store.delete(row.id());
            LOG.infof("dumps: removed %s's dump %s of %s (%s)", row.certname(), row.id(), row.app(), why);
        }
    }

    private DumpStore.Dump upload(String certname, String app, String id) throws IOException, DumpStoreException {
        Optional<DumpStore.Dump> upload = store.upload(id);
        if (upload.isEmpty() || !upload.get().certname().equals(certname) || !upload.get().app().equals(app)) {
            throw new DumpStoreException(404, "no upload " + id + " of " + certname + "'s " + app + " is open (completed, dropped after a"
                    + " day, or never begun): begin another");
        }
        return upload.get();
    }

    private static Dumps.Part part(DumpPart p) {
        return new Dumps.Part(p.kind() == DumpPart.Kind.DATA_DIR ? "data_dir" : "database", p.name(), p.size(), p.sha256());
    }
}
