package io.kraftwerk.master.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The master's content-addressed store of wheels and source archives, keyed by SHA-256. Files
 * never change once added: a release is its bytes. {@link FileArtifactStore} keeps them under the
 * data directory; a store several masters share (database large objects) is another implementation.
 */
public interface ArtifactStore {
    /** The result of an add: the entry, and whether it was new (adding the same bytes again changes nothing). */
    record Added(StoredArtifact artifact, boolean added) {
    }

    /**
     * Adds a file, atomically: it is listed only once all its bytes are stored.
     *
     * @param filename       its file name, which must be a wheel's or a source archive's
     * @param content        its bytes
     * @param expectedSha256 the digest the sender computed (lowercase hex), checked; null when none
     * @throws ArtifactException a bad name, too many bytes, a digest that differs, or another file
     *                           under the same name; nothing is kept then
     */
    Added add(String filename, InputStream content, String expectedSha256) throws ArtifactException;

    /** Everything stored, with the revision that changes whenever the contents do. */
    Snapshot snapshot() throws ArtifactException;

    /** The entry with this digest. */
    default Optional<StoredArtifact> find(String sha256) throws ArtifactException {
        return snapshot().artifacts().stream().filter(a -> a.sha256().equals(sha256)).findFirst();
    }

    /** The bytes of a stored file. */
    InputStream open(StoredArtifact artifact) throws IOException;

    /** Removes a file and its entry (gc). */
    void remove(StoredArtifact artifact) throws ArtifactException;

    /**
     * The contents at one moment.
     *
     * @param artifacts every entry, sorted by name, version and file name
     * @param revision  a digest of the set of digests: equal revisions, equal contents
     */
    record Snapshot(List<StoredArtifact> artifacts, String revision) {
        public Snapshot {
            artifacts = List.copyOf(artifacts);
        }
    }
}
