package io.kraftwerk.agent.client;

import io.kraftwerk.agent.provider.ArtifactSource;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.ArtifactRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Artifacts from the master over the agent's mutual-TLS connection
 * ({@code GET /v1/artifacts/CERTNAME/SHA256}), through the {@link ArtifactCache}. A download goes
 * to a temporary file beside its final place while it is hashed; only the pinned size and digest
 * make it the cached file, by a rename. Anything else is removed: nothing of it can be installed.
 */
public final class MasterArtifacts implements ArtifactSource {
    private final ArtifactCache cache;
    private final MasterClient client;
    private final String certname;

    public MasterArtifacts(ArtifactCache cache, MasterClient client, String certname) {
        this.cache = cache;
        this.client = client;
        this.certname = certname;
    }

    @Override
    public Path fetch(ArtifactRef artifact) throws IOException, ProviderException, InterruptedException {
        Optional<Path> cached = cache.verified(artifact);
        if (cached.isPresent()) {
            return cached.get();
        }
        Path folder = cache.createFolder(artifact);
        Path partial = Files.createTempFile(folder, "." + artifact.filename() + ".", ".part");
        try {
            download(artifact, partial);
            Files.move(partial, folder.resolve(artifact.filename()), StandardCopyOption.ATOMIC_MOVE);
            return folder;
        } finally {
            Files.deleteIfExists(partial);
            removeIfEmpty(folder);
        }
    }

    private void download(ArtifactRef artifact, Path partial) throws IOException, ProviderException, InterruptedException {
        String path = "/v1/artifacts/" + certname + "/" + artifact.sha256();
        HttpResponse<InputStream> answer;
        try {
            answer = client.stream(path);
        } catch (IOException e) {
            throw new ProviderException("cannot download artifact " + artifact.filename() + ": " + e.getMessage(), e);
        }
        try (InputStream body = answer.body()) {
            if (answer.statusCode() != 200) {
                byte[] error = body.readNBytes(4096);
                throw new ProviderException("the master refused artifact " + artifact.filename() + " (sha256 "
                        + artifact.sha256().substring(0, 12) + "…): " + answer.statusCode() + " "
                        + new MasterClient.Answer(answer.statusCode(), error, answer.headers().map()).reason());
            }
            MessageDigest digest = ArtifactCache.newDigest();
            long size = 0;
            try (OutputStream out = Files.newOutputStream(partial)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = body.read(buffer)) > 0; ) {
                    size += n;
                    if (size > artifact.size()) {
                        throw new ProviderException("artifact " + artifact.filename() + " from the master is larger than the "
                                + artifact.size() + " bytes the catalog pins; nothing was installed");
                    }
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            String sha256 = ArtifactCache.hex(digest.digest());
            if (!sha256.equals(artifact.sha256()) || size != artifact.size()) {
                throw new ProviderException("artifact " + artifact.filename() + " from the master has sha256 " + sha256 + " ("
                        + size + " bytes), the catalog pins " + artifact.sha256() + " (" + artifact.size()
                        + " bytes); nothing was installed");
            }
        } catch (IOException e) {
            throw new ProviderException("cannot download artifact " + artifact.filename() + ": " + e.getMessage(), e);
        }
    }

    private static void removeIfEmpty(Path folder) {
        try (Stream<Path> left = Files.list(folder)) {
            if (left.findAny().isEmpty()) {
                Files.delete(folder);
            }
        } catch (IOException e) {
            // an empty folder left behind holds nothing that could be installed
        }
    }
}
