package io.kraftwerk.model.dump;

import io.kraftwerk.model.json.DocumentFormatException;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.validation.ModelValidator;
import io.kraftwerk.model.validation.Violation;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A dump archive: a tar file (so {@code tar -tvf} lists it and {@code tar -xOf FILE
 * kraftwerk-dump.json} shows what it holds) whose first entry is the {@link DumpManifest} and whose
 * other entries are exactly its parts, in its order, as plain files. Reading checks every entry's
 * name, type, size and SHA-256 against the manifest while it streams, so a reader that stages what
 * it reads and uses it only when {@link #read} returns has used nothing of an archive that was
 * changed, cut short, padded with other entries or made to point anywhere: names are the
 * manifest's, never taken from the archive, and links, directories and devices are refused.
 */
public final class DumpArchive {
    public static final String MANIFEST = "kraftwerk-dump.json";
    /** A manifest lists at most 64 parts: far below this. */
    static final int MAX_MANIFEST_BYTES = 1 << 20;
    private static final int BUFFER = 1 << 20;

    private DumpArchive() {
    }

    /** Where a verified part's bytes go while it is read (a staging file, or nowhere). */
    @FunctionalInterface
    public interface PartSink {
        OutputStream open(DumpPart part) throws IOException;
    }

    /** Where a part's bytes come from when an archive is written. */
    @FunctionalInterface
    public interface PartSource {
        Path file(DumpPart part);
    }

    /** Writes the manifest, then each part's file; the parts' sizes and digests must already be in the manifest. */
    public static void write(OutputStream out, DumpManifest manifest, PartSource source) throws IOException {
        // tar writes record by record: a buffer makes its gigabytes a few thousand writes, not two million
        BufferedOutputStream buffered = new BufferedOutputStream(out, BUFFER);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(buffered);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        byte[] json = ModelJson.writeBytes(manifest);
        tar.putArchiveEntry(entry(MANIFEST, json.length, manifest));
        tar.write(json);
        tar.closeArchiveEntry();
        for (DumpPart part : manifest.parts()) {
            Path file = source.file(part);
            if (Files.size(file) != part.size()) {
                throw new IOException(file + " is " + Files.size(file) + " bytes, not the " + part.size() + " its manifest says: it changed"
                        + " while the dump was written");
            }
            tar.putArchiveEntry(entry(part.file(), part.size(), manifest));
            Files.copy(file, tar);
            tar.closeArchiveEntry();
        }
        tar.finish();
        tar.flush();
        buffered.flush();
    }

    private static TarArchiveEntry entry(String name, long size, DumpManifest manifest) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(0100600);
        entry.setModTime(Date.from(manifest.created()));
        return entry;
    }

    /**
     * Reads and checks an archive, giving each part's bytes to {@code sink} as they stream past.
     *
     * @param source how messages name the archive (its file, or "the upload")
     * @return the manifest, once every part has matched it
     * @throws DumpFormatException at the first thing that does not match, saying what
     */
    public static DumpManifest read(InputStream in, String source, PartSink sink) throws IOException, DumpFormatException {
        TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(in, BUFFER));
        TarArchiveEntry first = next(tar, source);
        if (first == null || !first.getName().equals(MANIFEST) || !first.isFile()) {
            throw new DumpFormatException(source + " is not a Kraftwerk dump: its first entry is "
                    + (first == null ? "missing" : "'" + first.getName() + "'") + ", not " + MANIFEST);
        }
        if (first.getSize() > MAX_MANIFEST_BYTES) {
            throw new DumpFormatException(source + ": " + MANIFEST + " is " + first.getSize() + " bytes; a manifest is at most "
                    + MAX_MANIFEST_BYTES);
        }
        DumpManifest manifest = manifest(tar.readAllBytes(), source);
        for (DumpPart part : manifest.parts()) {
            TarArchiveEntry entry = next(tar, source);
            if (entry == null) {
                throw new DumpFormatException(source + " ends before " + part.file() + ", which its manifest lists: the archive is"
                        + " cut short (an interrupted copy or upload)");
            }
            if (!entry.getName().equals(part.file()) || !entry.isFile()) {
                throw new DumpFormatException(source + ": found " + describe(entry) + " where the manifest has " + part.file()
                        + ": the archive is not the one its manifest describes");
            }
            if (entry.getSize() != part.size()) {
                throw new DumpFormatException(source + ": " + part.file() + " is " + entry.getSize() + " bytes, the manifest says "
                        + part.size() + ": the archive was changed or damaged after it was made");
            }
            String digest;
            try (DigestOutputStream out = new DigestOutputStream(new BufferedOutputStream(sink.open(part), BUFFER), sha256())) {
                long copied = copy(tar, out);
                if (copied != part.size()) {
                    throw new DumpFormatException(source + ": " + part.file() + " ends after " + copied + " of its " + part.size()
                            + " bytes: the archive is cut short");
                }
                digest = HexFormat.of().formatHex(out.getMessageDigest().digest());
            }
            if (!digest.equals(part.sha256())) {
                throw new DumpFormatException(source + ": " + part.file() + " has SHA-256 " + digest + ", the manifest says "
                        + part.sha256() + ": the archive was changed or damaged after it was made");
            }
        }
        TarArchiveEntry extra = next(tar, source);
        if (extra != null) {
            throw new DumpFormatException(source + ": " + describe(extra) + " follows the parts its manifest lists: the archive is"
                    + " not the one its manifest describes");
        }
        return manifest;
    }

    /** Only the manifest, and whether it is well formed: what a listing needs (the parts are not checked). */
    public static DumpManifest manifest(byte[] json, String source) throws DumpFormatException {
        String where = source + ": " + MANIFEST;
        try {
            ModelJson.checkFormatVersion(json, where, "dump manifest", DumpManifest.FORMAT_VERSION);
            DumpManifest manifest = ModelJson.bind(json, DumpManifest.class, where);
            List<Violation> violations = ModelValidator.get().validate(manifest);
            if (!violations.isEmpty()) {
                throw new DumpFormatException(where + ": " + violations.get(0));
            }
            return manifest;
        } catch (DocumentFormatException e) {
            throw new DumpFormatException(e.problems().get(0));
        }
    }

    private static long copy(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, n);
            total += n;
        }
        return total;
    }

    private static TarArchiveEntry next(TarArchiveInputStream tar, String source) throws IOException, DumpFormatException {
        try {
            return tar.getNextEntry();
        } catch (IOException | IllegalArgumentException e) {
            // commons-compress says "Error detected parsing the header" and the like for what is not tar at all
            throw new DumpFormatException(source + " is not a readable tar archive (" + e.getMessage() + ")");
        }
    }

    private static String describe(TarArchiveEntry entry) {
        String type = entry.isSymbolicLink() ? "a symbolic link" : entry.isLink() ? "a hard link" : entry.isDirectory() ? "a directory"
                : entry.isFile() ? "the file" : "a special file";
        return type + " '" + entry.getName() + "'";
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }
}
