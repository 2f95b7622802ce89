package io.kraftwerk.agent.provider;

import io.kraftwerk.model.resource.ArtifactRef;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a provider gets the files of the master's artifact store that its catalog pins: a local
 * cache, filled over the agent's mTLS connection. What it returns has the pinned digest.
 */
public interface ArtifactSource {
    /**
     * @return a directory holding the artifact under its {@link ArtifactRef#filename()}, with exactly
     *         the bytes of its {@link ArtifactRef#sha256()} (a {@code --find-links} directory for pip)
     * @throws ProviderException when it cannot be had, or the bytes differ from the digest (nothing kept)
     */
    Path fetch(ArtifactRef artifact) throws IOException, ProviderException, InterruptedException;

    /** A run without a master (kw-agent apply FILE): only what an earlier run cached. */
    ArtifactSource NONE = artifact -> {
        throw new ProviderException("artifact " + artifact.filename() + " (sha256 " + artifact.sha256().substring(0, 12)
                + "…) is not in the local cache and this run has no master to fetch it from; run kw-agent against the master");
    };
}
