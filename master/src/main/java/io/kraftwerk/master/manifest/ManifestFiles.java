package io.kraftwerk.master.manifest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A snapshot of a manifests tree held in memory, so that compiling does no I/O: every file by its
 * path relative to the root ({@code /}-separated), and the version that names this snapshot.
 *
 * @param version a git commit id, or {@code sha256:…} of all paths and contents outside git
 * @param files   content by relative path, sorted
 */
public record ManifestFiles(String version, SortedMap<String, byte[]> files) {

    public ManifestFiles {
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    /** A snapshot versioned by its content: same files, same version, wherever they live. */
    public static ManifestFiles ofContent(Map<String, byte[]> files) {
        TreeMap<String, byte[]> sorted = new TreeMap<>(files);
        return new ManifestFiles(contentHash(sorted), sorted);
    }

    public Optional<byte[]> file(String path) {
        return Optional.ofNullable(files.get(path));
    }

    static String contentHash(SortedMap<String, byte[]> files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                // length-prefix both parts so that no two different trees hash alike
                byte[] path = e.getKey().getBytes(StandardCharsets.UTF_8);
                digest.update(longBytes(path.length));
                digest.update(path);
                digest.update(longBytes(e.getValue().length));
                digest.update(e.getValue());
            }
            return "sha256:" + HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static byte[] longBytes(long value) {
        byte[] out = new byte[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = (byte) value;
            value >>>= 8;
        }
        return out;
    }
}
