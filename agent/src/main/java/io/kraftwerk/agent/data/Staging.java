package io.kraftwerk.agent.data;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.model.dump.DumpArchive;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** Working directories of a dump or a load: made for one user, removed whole. */
final class Staging {
    private Staging() {
    }

    /** A new directory in {@code parent}, root's, that others may pass through (0711) but not list. */
    static Path create(Path parent, String prefix) throws IOException {
        Files.createDirectories(parent);
        return Files.createTempDirectory(parent, prefix, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
    }

    /** A directory only {@code user} may enter (0700), for a program that runs as that user. */
    static Path forUser(Path dir, String user, ProviderContext context) throws IOException, DataException {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        chown(dir, user, context);
        return dir;
    }

    static void chown(Path path, String owner, ProviderContext context) throws IOException, DataException {
        CommandResult result = context.runner().run(List.of("chown", "--no-dereference", owner, path.toString()));
        if (!result.succeeded()) {
            throw new DataException("cannot give " + path + " to " + owner + ": " + result.describeFailure());
        }
    }

    /** The SHA-256 of a file, hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = DumpArchive.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Removes a tree without following links out of it. */
    static void remove(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // left for the operator: the message of the failure that got here matters more
        }
    }
}
