package io.kraftwerk.master.dumps;

import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.SecretsException;
import io.kraftwerk.master.secrets.SecretsKey;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.model.json.DocumentFormatException;
import io.kraftwerk.model.json.ModelJson;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.bouncycastle.crypto.InvalidCipherTextException;

/**
 * Dumps at rest on the master, encrypted: {@code DIR/uploads/ID/} while a node sends one, chunk by
 * chunk, and {@code DIR/stored/ID/} once it is whole and checked. Each chunk is sealed as it arrives
 * ({@link ChunkCipher}) with the dump's own random key, which {@code dump.json} keeps sealed to the
 * master's secrets key ({@code ENC[...]}, as manifests' secrets are): no byte of a dump is ever on
 * disk in the clear, and one who copies the directory without the secrets key reads nothing.
 * Directories and files are the master's alone (0700, 0600).
 */
public final class DumpStore {
    /** The largest chunk a node sends: far under the master's 17 MiB request limit. */
    public static final int CHUNK_BYTES = 8 << 20;
    static final String META = "dump.json";
    private static final String ID = "[0-9a-f]{32}";

    private final Path uploads;
    private final Path stored;
    private final SecretsKeys keys;
    private final SecureRandom random;

    public DumpStore(Path dir, SecretsKeys keys, SecureRandom random) {
        this.uploads = dir.resolve("uploads");
        this.stored = dir.resolve("stored");
        this.keys = keys;
        this.random = random;
    }

    /**
     * One dump, as {@code dump.json} describes it.
     *
     * @param size   the bytes of the whole archive
     * @param sha256 their SHA-256, as the node computed it
     * @param chunks how many chunks of {@link #CHUNK_BYTES} (the last one shorter) it is sent in
     * @param key    the dump's key, sealed to the master's secrets key
     */
    public record Dump(String id, String certname, String app, long size, String sha256, Instant created, int chunks, String key) {
        /** How many bytes chunk {@code index} holds. */
        public long chunkSize(int index) {
            return index < chunks - 1 ? CHUNK_BYTES : size - (long) (chunks - 1) * CHUNK_BYTES;
        }
    }

    /** Starts an upload: a new id, and a new key sealed to the master's current secrets key. */
    public Dump begin(String certname, String app, long size, String sha256, Instant now) throws IOException, DumpStoreException {
        byte[] idBytes = new byte[16];
        random.nextBytes(idBytes);
        byte[] key = new byte[ChunkCipher.KEY_BYTES];
        random.nextBytes(key);
        SecretsKey secretsKey;
        try {
            secretsKey = keys.currentOrCreate();
        } catch (SecretsException e) {
            throw new DumpStoreException(500, "the master cannot encrypt dumps: " + e.getMessage());
        }
        int chunks = (int) Math.max(1, (size + CHUNK_BYTES - 1) / CHUNK_BYTES);
        Dump dump = new Dump(HexFormat.of().formatHex(idBytes), certname, app, size, sha256, now, chunks,
                Envelope.encrypt(Base64.getEncoder().encodeToString(key), secretsKey, random));
        Path dir = privateDirectory(uploads.resolve(dump.id()));
        writePrivately(dir.resolve(META), ModelJson.writeBytes(dump));
        return dump;
    }

    /** The upload in progress with this id, if any. */
    public Optional<Dump> upload(String id) throws IOException {
        return read(uploads, id);
    }

    /** A stored dump's description, if its directory is here. */
    public Optional<Dump> stored(String id) throws IOException {
        return read(stored, id);
    }

    /**
     * Seals and keeps chunk {@code index} of an upload. The first that arrives is kept: a chunk sent again
     * is not sealed again, for its nonce is its index (the check of the whole archive finds a resent chunk
     * that differs).
     */
    public void put(Dump upload, int index, byte[] bytes) throws IOException, DumpStoreException {
        if (index < 0 || index >= upload.chunks()) {
            throw new DumpStoreException(400, "upload " + upload.id() + " has chunks 0 to " + (upload.chunks() - 1) + ", not " + index);
        }
        if (bytes.length != upload.chunkSize(index)) {
            throw new DumpStoreException(400, "chunk " + index + " of upload " + upload.id() + " is " + upload.chunkSize(index)
                    + " bytes (chunks are " + CHUNK_BYTES + " bytes, the last one what remains), not " + bytes.length);
        }
        Path chunk = uploads.resolve(upload.id()).resolve(chunkName(index));
        if (Files.exists(chunk)) {
            return;
        }
        byte[] sealed = cipher(upload).seal(index, index == upload.chunks() - 1, bytes);
        writePrivately(chunk, sealed);
    }

    /** The chunks an upload still lacks, in order. */
    public List<Integer> missing(Dump upload) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < upload.chunks(); i++) {
            if (!Files.exists(uploads.resolve(upload.id()).resolve(chunkName(i)))) {
                out.add(i);
            }
        }
        return out;
    }

    /** Reads an upload back in the clear, chunk by chunk, each checked as it is opened. */
    public InputStream openUpload(Dump upload) {
        return new Opening(uploads.resolve(upload.id()), upload, cipher(upload));
    }

    /** Reads a stored dump back in the clear, chunk by chunk, each checked as it is opened. */
    public InputStream open(Dump dump) {
        return new Opening(stored.resolve(dump.id()), dump, cipher(dump));
    }

    /** Makes a whole, checked upload a stored dump (one rename). */
    public void keep(Dump upload) throws IOException {
        Files.createDirectories(stored);
        try {
            Files.move(uploads.resolve(upload.id()), stored.resolve(upload.id()), StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot move " + upload.id() + " into " + stored + " in one step: keep DATA/dumps on one file system", e);
        }
    }

    public void discardUpload(String id) throws IOException {
        deleteTree(uploads.resolve(checkedId(id)));
    }

    public void delete(String id) throws IOException {
        deleteTree(stored.resolve(checkedId(id)));
    }

    /** The uploads begun before {@code before} (abandoned, when that is long enough ago). */
    public List<Dump> uploadsBegunBefore(Instant before) throws IOException {
        List<Dump> out = new ArrayList<>();
        if (!Files.isDirectory(uploads)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(uploads)) {
            for (Path dir : dirs) {
                String id = dir.getFileName().toString();
                if (id.matches(ID)) {
                    read(uploads, id).filter(d -> d.created().isBefore(before)).ifPresent(out::add);
                }
            }
        }
        return out;
    }

    private ChunkCipher cipher(Dump dump) {
        return new ChunkCipher(key(dump), dump.id());
    }

    private byte[] key(Dump dump) {
        try {
            String keyId = Envelope.keyId(dump.key());
            SecretsKey secretsKey = keys.byId(keyId).orElseThrow(() -> new SecretsException("the master has no secrets key " + keyId
                    + " any more (retired?): this dump cannot be read"));
            return Base64.getDecoder().decode(Envelope.decrypt(dump.key(), secretsKey));
        } catch (SecretsException | IOException | IllegalArgumentException e) {
            throw new IllegalStateException("dump " + dump.id() + ": " + e.getMessage(), e);
        }
    }

    private Optional<Dump> read(Path base, String id) throws IOException {
        if (!id.matches(ID)) {
            return Optional.empty();
        }
        try {
            return Optional.of(ModelJson.bind(Files.readAllBytes(base.resolve(id).resolve(META)), Dump.class, id + "/" + META));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (DocumentFormatException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static String chunkName(int index) {
        return String.format("%06d.sealed", index);
    }

    private static String checkedId(String id) {
        if (!id.matches(ID)) {
            throw new IllegalArgumentException("'" + id + "' is not a dump id");
        }
        return id;
    }

    private static Path privateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Written beside, then renamed over: a reader never sees half a chunk. */
    private static void writePrivately(Path file, byte[] bytes) throws IOException {
        // a name of its own: the same chunk sent twice at once must not write one file
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName() + ".", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The clear bytes of a dump, one chunk at a time in memory. */
    private static final class Opening extends InputStream {
        private final Path dir;
        private final Dump dump;
        private final ChunkCipher cipher;
        private int next;
        private byte[] chunk = new byte[0];
        private int at;

        Opening(Path dir, Dump dump, ChunkCipher cipher) {
            this.dir = dir;
            this.dump = dump;
            this.cipher = cipher;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (at == chunk.length) {
                if (next == dump.chunks()) {
                    return -1;
                }
                chunk = openChunk(next++);
                at = 0;
            }
            int n = Math.min(len, chunk.length - at);
            System.arraycopy(chunk, at, b, off, n);
            at += n;
            return n;
        }

        private byte[] openChunk(int index) throws IOException {
            byte[] sealed;
            try {
                sealed = Files.readAllBytes(dir.resolve(chunkName(index)));
            } catch (NoSuchFileException e) {
                throw new IOException("dump " + dump.id() + " lacks chunk " + index + " of " + dump.chunks());
            }
            try {
                byte[] plain = cipher.open(index, index == dump.chunks() - 1, sealed, sealed.length);
                if (plain.length != dump.chunkSize(index)) {
                    throw new IOException("dump " + dump.id() + ": chunk " + index + " holds " + plain.length + " bytes, not "
                            + dump.chunkSize(index));
                }
                return plain;
            } catch (InvalidCipherTextException e) {
                throw new IOException("dump " + dump.id() + " is damaged: chunk " + index + " does not authenticate (changed on disk,"
                        + " or not this dump's)");
            }
        }
    }
}
