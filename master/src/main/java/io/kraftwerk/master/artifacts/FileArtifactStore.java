package io.kraftwerk.master.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.model.json.ModelJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The store as files under the master's data directory:
 * <pre>
 *   artifacts/sha256/ab/abcdef…    the bytes, named by their SHA-256 (first two hex digits as a folder)
 *   artifacts/index/abcdef….json   its entry: file name, distribution name, version, size, when added
 *   artifacts/tmp/                 uploads in progress, on the same file system so they can be renamed
 * </pre>
 * An add writes the bytes to tmp/ while hashing them, syncs them to disk, renames them into place,
 * then writes the entry the same way: a file is listed only once it is whole, and a crash leaves at
 * most an unlisted file. The index is read again only when its folder changes, so a master sees what
 * {@code kw-master artifacts add} added beside it.
 */
public final class FileArtifactStore implements ArtifactStore {
    public static final long DEFAULT_MAX_BYTES = 512L * 1024 * 1024;
    private static final int FORMAT_VERSION = 1;
    private static final HexFormat HEX = HexFormat.of();

    private final Path root;
    private final long maxBytes;
    private final Clock clock;
    private Snapshot cached;
    private FileTime cachedModified;

    public FileArtifactStore(Path root, long maxBytes, Clock clock) {
        this.root = root;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    public Path root() {
        return root;
    }

    @Override
    public synchronized Added add(String filename, InputStream content, String expectedSha256) throws ArtifactException {
        DistributionFile file = DistributionFile.parse(filename);
        if (expectedSha256 != null && !expectedSha256.matches("[0-9a-f]{64}")) {
            throw ArtifactException.badRequest("the expected SHA-256 '" + expectedSha256 + "' is not 64 lowercase hex digits");
        }
        Path temp = null;
        try {
            Files.createDirectories(root.resolve("tmp"));
            temp = Files.createTempFile(root.resolve("tmp"), "upload-", ".part");
            String sha256;
            long size;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                MessageDigest digest = sha256();
                byte[] buffer = new byte[64 * 1024];
                size = 0;
                for (int n; (n = content.read(buffer)) > 0; ) {
                    size += n;
                    if (size > maxBytes) {
                        throw new ArtifactException(ArtifactException.Kind.TOO_LARGE, filename + " is larger than the "
                                + maxBytes + " bytes the store accepts (kraftwerk.master.max-artifact-bytes, or --max-bytes)");
                    }
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
                channel.force(true);
                sha256 = HEX.formatHex(digest.digest());
            }
            if (expectedSha256 != null && !expectedSha256.equals(sha256)) {
                throw ArtifactException.badRequest(filename + " arrived with SHA-256 " + sha256 + ", not the " + expectedSha256
                        + " it was sent with; it was not stored (send it again)");
            }
            return place(temp, file, sha256, size);
        } catch (IOException e) {
            throw new ArtifactException("cannot store " + filename + " in " + root + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(temp);
        }
    }

    /**
     * Moves the whole, hashed file into place and lists it, unless it or another file of that name is
     * there. Under a lock on the store's directory: a running master and the command line (or two CI
     * jobs) may add at once, and the check must see what the other placed.
     */
    private Added place(Path temp, DistributionFile file, String sha256, long size) throws IOException, ArtifactException {
        try (FileChannel lockFile = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = lockFile.lock()) {
            cached = null; // another process may have added since this one last looked
            return placeLocked(temp, file, sha256, size);
        }
    }

    private Added placeLocked(Path temp, DistributionFile file, String sha256, long size) throws IOException, ArtifactException {
        for (StoredArtifact existing : snapshot().artifacts()) {
            if (existing.sha256().equals(sha256)) {
                if (!existing.filename().equals(file.filename())) {
                    throw new ArtifactException(ArtifactException.Kind.CONFLICT, "these bytes are already stored as "
                            + existing.filename() + "; one file has one name");
                }
                return new Added(existing, false);
            }
            if (existing.filename().equals(file.filename())) {
                throw new ArtifactException(ArtifactException.Kind.CONFLICT, file.filename() + " is already stored with other"
                        + " bytes (sha256 " + existing.sha256() + "); a release's files never change: give the new build a new"
                        + " version");
            }
        }
        Path blob = blob(sha256);
        Files.createDirectories(blob.getParent());
        move(temp, blob);
        StoredArtifact artifact = new StoredArtifact(sha256, file.filename(), file.name(), file.version(), size,
                clock.instant().truncatedTo(ChronoUnit.SECONDS));
        Path entry = entry(sha256);
        Files.createDirectories(entry.getParent());
        Path entryTemp = Files.createTempFile(root.resolve("tmp"), "entry-", ".part");
        try {
            try (FileChannel channel = FileChannel.open(entryTemp, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(ModelJson.writeBytes(describe(artifact))));
                channel.force(true);
            }
            move(entryTemp, entry);
        } finally {
            deleteQuietly(entryTemp);
        }
        cached = null;
        return new Added(artifact, true);
    }

    @Override
    public synchronized Snapshot snapshot() throws ArtifactException {
        Path index = root.resolve("index");
        try {
            if (!Files.isDirectory(index)) {
                return new Snapshot(List.of(), revision(List.of()));
            }
            FileTime modified = Files.getLastModifiedTime(index);
            if (cached != null && modified.equals(cachedModified)) {
                return cached;
            }
            List<StoredArtifact> artifacts = new ArrayList<>();
            try (Stream<Path> entries = Files.list(index)) {
                for (Path p : entries.filter(p -> p.getFileName().toString().matches("[0-9a-f]{64}\\.json")).toList()) {
                    artifacts.add(read(p));
                }
            }
            artifacts.sort(Comparator.comparing(StoredArtifact::name).thenComparing(StoredArtifact::version)
                    .thenComparing(StoredArtifact::filename));
            Snapshot snapshot = new Snapshot(artifacts, revision(artifacts));
            // a folder's time has a coarse tick: one read within it may miss a later change of the same tick
            boolean settled = Duration.between(modified.toInstant(), clock.instant()).toMillis() > 1000;
            cached = settled ? snapshot : null;
            cachedModified = modified;
            return snapshot;
        } catch (IOException e) {
            throw new ArtifactException("cannot read the artifact index in " + index + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(StoredArtifact artifact) throws IOException {
        return Files.newInputStream(blob(artifact.sha256()));
    }

    @Override
    public synchronized void remove(StoredArtifact artifact) throws ArtifactException {
        try (FileChannel lockFile = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = lockFile.lock()) {
            // the entry first: a file that is not listed is never served, a listed one must be whole
            Files.deleteIfExists(entry(artifact.sha256()));
            Files.deleteIfExists(blob(artifact.sha256()));
            cached = null;
        } catch (IOException e) {
            throw new ArtifactException("cannot remove " + artifact.filename() + " from " + root + ": " + e.getMessage(), e);
        }
    }

    Path blob(String sha256) {
        return root.resolve("sha256").resolve(sha256.substring(0, 2)).resolve(sha256);
    }

    private Path entry(String sha256) {
        return root.resolve("index").resolve(sha256 + ".json");
    }

    private static Map<String, Object> describe(StoredArtifact a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format_version", FORMAT_VERSION);
        m.put("sha256", a.sha256());
        m.put("filename", a.filename());
        m.put("name", a.name());
        m.put("version", a.version());
        m.put("size", a.size());
        m.put("added", a.added().toString());
        return m;
    }

    private static StoredArtifact read(Path entry) throws IOException {
        JsonNode node = ModelJson.mapper().readTree(Files.readAllBytes(entry));
        if (node == null || node.path("format_version").asInt() != FORMAT_VERSION) {
            throw new IOException(entry + " is not an artifact entry of format " + FORMAT_VERSION
                    + " (written by another Kraftwerk version?)");
        }
        try {
            return new StoredArtifact(node.get("sha256").asText(), node.get("filename").asText(), node.get("name").asText(),
                    node.get("version").asText(), node.get("size").asLong(), Instant.parse(node.get("added").asText()));
        } catch (RuntimeException e) {
            throw new IOException(entry + " is not a whole artifact entry: " + e.getMessage(), e);
        }
    }

    private static String revision(List<StoredArtifact> artifacts) {
        MessageDigest digest = sha256();
        artifacts.stream().map(StoredArtifact::sha256).sorted().forEach(s -> digest.update((s + "\n").getBytes(StandardCharsets.US_ASCII)));
        return HEX.formatHex(digest.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically: keep the artifacts folder on one"
                    + " file system", e);
        }
        try (FileChannel dir = FileChannel.open(to.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException e) {
            // a left-over upload in tmp/ is never listed; nothing depends on removing it now
        }
    }
}
