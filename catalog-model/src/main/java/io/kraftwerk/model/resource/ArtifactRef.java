package io.kraftwerk.model.resource;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * One file of the master's artifact store, pinned by a catalog: the compiler resolved a requirement
 * such as {@code artifact:kwhello==1.0.0} to it, so the node installs exactly these bytes. The agent
 * fetches it from its master over mTLS, checks the digest, and installs it with {@code pip --no-index}.
 *
 * @param name     the distribution's name, normalised (PEP 503: lowercase, runs of {@code -_.} as {@code -})
 * @param version  its version
 * @param filename the file's name as pip needs it (a wheel's name carries its tags)
 * @param sha256   the SHA-256 of the file's bytes, lowercase hex: what the node verifies
 * @param size     the file's size in bytes
 */
@Sensitivity // names, versions and digests of code: nothing secret
public record ArtifactRef(
        @NotNull @Pattern(regexp = "[a-z0-9]([a-z0-9-]*[a-z0-9])?", message = "must be a normalised distribution name") String name,
        @NotNull @Pattern(regexp = "[A-Za-z0-9.+!_-]{1,64}", message = "must be a version such as 1.0.0") String version,
        @NotNull @Pattern(regexp = FILENAME, message = "must be the file name of a wheel or source archive (no path)") String filename,
        @NotNull @Pattern(regexp = "[0-9a-f]{64}", message = "must be a SHA-256 digest in lowercase hex") String sha256,
        @NotNull @Min(0) Long size) {

    /** A wheel or sdist file name: no separators, no leading dot. */
    public static final String FILENAME = "[A-Za-z0-9][A-Za-z0-9._+!-]{0,200}\\.(whl|tar\\.gz|zip)";
}
