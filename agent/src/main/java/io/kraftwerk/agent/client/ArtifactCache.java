package io.kraftwerk.agent.client;

import io.kraftwerk.agent.provider.ArtifactSource;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.ArtifactRef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The agent's artifacts on disk, {@code STATE/artifacts/SHA256/FILENAME}, in folders only root
 * can enter. A cached file is hashed again every time it is used: it costs milliseconds beside
 * the pip install it feeds, and a file that was cut short or changed on disk is then never
 * installed (it is removed, and fetched again when there is a master). As a source on its own it
 * serves {@code kw-agent apply FILE}: what an earlier run fetched, and nothing else.
 */
public final class ArtifactCache implements ArtifactSource {
    private static final HexFormat HEX = HexFormat.of();
    private final Path root;

    public ArtifactCache(Path root) {
        this.root = root;
    }

    /** The folder that holds the artifact (and only it): what pip gets as {@code --find-links}. */
    Path folder(ArtifactRef artifact) {
        return root.resolve(artifact.sha256());
    }

    @Override
    public Path fetch(ArtifactRef artifact) throws IOException, ProviderException {
        return verified(artifact).orElseThrow(() -> new ProviderException("artifact " + artifact.filename() + " (sha256 "
                + artifact.sha256().substring(0, 12) + "…) is not in the local cache " + root + ", and this run has no master to"
                + " fetch it from; run kw-agent against the master once"));
    }

    /** The artifact's folder when it holds exactly the pinned bytes; a file that does not is removed. */
    Optional<Path> verified(ArtifactRef artifact) throws IOException {
        requirePrivate();
        Path file = folder(artifact).resolve(artifact.filename());
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (Files.size(file) == artifact.size() && artifact.sha256().equals(sha256(file))) {
            return Optional.of(folder(artifact));
        }
        Files.delete(file);
        return Optional.empty();
    }

    /** Creates the artifact's folder (and the cache's), each readable by root only. */
    Path createFolder(ArtifactRef artifact) throws IOException {
        Files.createDirectories(root.getParent());
        requirePrivate();
        for (Path dir : new Path[] {root, folder(artifact)}) {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir);
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
        requirePrivate();
        return folder(artifact);
    }

    /**
     * What is verified here is installed as root later: the state directory and the cache must be
     * real directories of the agent's own user that nobody else can write, or a file could be
     * swapped between the check and pip.
     */
    private void requirePrivate() throws IOException {
        String me = System.getProperty("user.name");
        for (Path dir : new Path[] {root.getParent(), root}) {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
            String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) || !owner.equals(me)
                    || mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
                throw new IOException(dir + " must be a directory of " + me + " that no one else can write (it is "
                        + (Files.isSymbolicLink(dir) ? "a link" : owner + "'s, " + PosixFilePermissions.toString(mode))
                        + "): artifacts cached there would be installed as root (make it "
                        + me + "'s alone: chown -R " + me + " " + dir + "; chmod go-w " + dir + ")");
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HEX.formatHex(digest.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] digest) {
        return HEX.formatHex(digest);
    }
}
