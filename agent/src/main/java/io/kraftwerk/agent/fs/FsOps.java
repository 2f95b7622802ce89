package io.kraftwerk.agent.fs;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.exec.CommandRunner;
import io.kraftwerk.agent.provider.ProviderException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * File system operations the file-like providers share. Writes are atomic: content goes to a temp
 * file beside the target (named {@value #TEMP_PREFIX}…), is fsynced, gets its owner and mode, and
 * is renamed over the target, then the directory is fsynced. A run killed at any point leaves the
 * old file or the new one, never a mix; {@link #removeStaleTemps} clears what a killed run left.
 */
public final class FsOps {
    public static final String TEMP_PREFIX = ".kw-tmp.";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final UserPrincipalLookupService LOOKUP = FileSystems.getDefault().getUserPrincipalLookupService();

    private final CommandRunner runner;

    /** @param runner runs chmod(1) for modes Java cannot set */
    public FsOps(CommandRunner runner) {
        this.runner = runner;
    }

    public static FsEntry stat(Path path) throws IOException {
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return FsEntry.ABSENT;
        }
        FsEntry.Type type = attrs.isRegularFile() ? FsEntry.Type.FILE : attrs.isDirectory() ? FsEntry.Type.DIRECTORY
                : attrs.isSymbolicLink() ? FsEntry.Type.SYMLINK : FsEntry.Type.OTHER;
        int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
        return new FsEntry(type, attrs.owner().getName(), attrs.group().getName(), String.format("%04o", mode));
    }

    /**
     * Replaces {@code target} with {@code content} atomically. Owner, group and mode that are null
     * are kept from the file being replaced (or root/root/0644 for a new file).
     */
    public void writeAtomically(Path target, byte[] content, String owner, String group, String mode)
            throws IOException, ProviderException {
        FsEntry existing = stat(target);
        Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "." + HexFormat.of().formatHex(randomBytes()));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            setOwnership(temp, owner != null ? owner : existing.exists() ? existing.owner() : null,
                    group != null ? group : existing.exists() ? existing.group() : null);
            setMode(temp, mode != null ? mode : existing.type() == FsEntry.Type.FILE ? existing.mode() : "0644");
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new ProviderException("cannot replace " + target + " atomically: " + e.getMessage());
            }
            syncDirectory(target.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Deletes temp files a killed run left in {@code dir} beside the named files, and only theirs:
     * {@value #TEMP_PREFIX}NAME followed by the exact random suffix. One listing per directory.
     */
    public static void removeStaleTemps(Path dir, java.util.Set<String> names) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        java.util.regex.Pattern temp = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote(TEMP_PREFIX) + "(.+)\\.[0-9a-f]{12}");
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path p : candidates) {
                java.util.regex.Matcher m = temp.matcher(p.getFileName().toString());
                if (m.matches() && names.contains(m.group(1))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    public void setOwnership(Path path, String owner, String group) throws IOException, ProviderException {
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (owner != null) {
            view.setOwner(user(owner));
        }
        if (group != null) {
            view.setGroup(group(group));
        }
    }

    /**
     * Sets all twelve permission bits. Java's permission API knows only the low nine, so a mode
     * with setuid, setgid or sticky bits is set with chmod(1).
     */
    public void setMode(Path path, String mode) throws IOException, ProviderException {
        int bits = Integer.parseInt(mode, 8);
        if ((bits & 07000) == 0) {
            Files.setPosixFilePermissions(path, permissions(bits));
            return;
        }
        CommandResult result = runner.run(List.of("chmod", mode, path.toString()));
        if (!result.succeeded()) {
            throw new ProviderException(result.describeFailure());
        }
    }

    static Set<PosixFilePermission> permissions(int bits) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                out.add(order[i]);
            }
        }
        return out;
    }

    static UserPrincipal user(String name) throws IOException, ProviderException {
        try {
            return LOOKUP.lookupPrincipalByName(name);
        } catch (UserPrincipalNotFoundException e) {
            throw new ProviderException("there is no user '" + name + "' on this node");
        }
    }

    static GroupPrincipal group(String name) throws IOException, ProviderException {
        try {
            return LOOKUP.lookupPrincipalByGroupName(name);
        } catch (UserPrincipalNotFoundException e) {
            throw new ProviderException("there is no group '" + name + "' on this node");
        }
    }

    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
