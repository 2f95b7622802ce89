package io.kraftwerk.master.artifacts;

import io.kraftwerk.model.resource.ArtifactRef;
import java.time.Instant;

/**
 * One file of the store and what is known of it: its index entry.
 *
 * @param sha256   the SHA-256 of its bytes, lowercase hex: its key
 * @param filename its file name (a wheel's carries its tags)
 * @param name     the distribution's name, normalised (PEP 503)
 * @param version  the version its file name gives
 * @param size     bytes
 * @param added    when it was first added
 */
public record StoredArtifact(String sha256, String filename, String name, String version, long size, Instant added) {
    /** What a catalog pins of it. */
    public ArtifactRef ref() {
        return new ArtifactRef(name, version, filename, sha256, size);
    }
}
