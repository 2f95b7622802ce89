package io.kraftwerk.agent.fs;

import io.kraftwerk.agent.provider.ProviderException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File system operations the file-like providers share, safe against local users racing them.
 *
 * <p>Every operation first pins the path's parent directory ({@link PinnedDirectory}) and then
 * works relative to it, never following a link at the path itself: a user who can write a directory
 * on the way cannot redirect a write, an owner or a mode change to another file. Where such a user
 * could plant something (a link or a hard link at the path, in a directory they can write), the
 * operation refuses with a message saying so rather than replace or follow it.
 *
 * <p>Writes are atomic: the content goes to a temporary file beside the target (named
 * {@value #TEMP_PREFIX}…), created exclusively with mode 0600 and given its owner before the first
 * byte is written, then fsynced, given its mode and renamed over the target; the directory is
 * fsynced. A run killed at any point leaves the old file or the new one, never a mix, and a
 * sensitive file is never readable by others; {@link #removeStaleTemps} clears what a killed run left.
 */
public final class FsOps {
    public static final String TEMP_PREFIX = ".kw-tmp.";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final UserPrincipalLookupService LOOKUP = FileSystems.getDefault().getUserPrincipalLookupService();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** What {@link #read(Path)} reads at most: no managed content is this large, and more would only exhaust memory. */
    public static final long MAX_READ = 64L * 1024 * 1024;
    /** How long a read in a directory others can write may take before it is given up. */
    static final Duration UNTRUSTED_READ_TIMEOUT = Duration.ofSeconds(10);

    private final Path anchor;

    /** @param anchor the trusted root paths are walked from: {@code /} on a node */
    public FsOps(Path anchor) {
        this.anchor = anchor.toAbsolutePath().normalize();
    }

    /** What is at {@code path}, without following a link there. */
    public FsEntry stat(Path path) throws IOException {
        Optional<PinnedDirectory> parent = PinnedDirectory.parentOf(anchor, path);
        if (parent.isEmpty()) {
            return FsEntry.ABSENT;
        }
        try (PinnedDirectory dir = parent.get()) {
            return stat(dir, path);
        }
    }

    /**
     * The content of the regular file at {@code path}, opened without following a link. In a
     * directory others can write, a file with more than one hard link is refused: it may be
     * another file's content, put there to be shown in a diff.
     */
    public byte[] read(Path path) throws IOException, ProviderException {
        return read(path, MAX_READ);
    }

    /**
     * Like {@link #read(Path)}, refusing a file larger than {@code limit} bytes. In a directory
     * others can write, the file is opened and read on a helper thread with a time limit: whoever
     * can write there can swap a named pipe in after the check, whose open would otherwise wait
     * for a writer forever, with the run lock held.
     */
    public byte[] read(Path path, long limit) throws IOException, ProviderException {
        try (PinnedDirectory dir = parent(path)) {
            FsEntry entry = stat(dir, path);
            requireOwnFile(dir, path, entry);
            if (dir.trusted()) {
                return readOpen(dir, path, limit);
            }
            CompletableFuture<byte[]> read = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    read.complete(readOpen(dir, path, limit));
                } catch (Exception e) {
                    read.completeExceptionally(e);
                }
            }, "kw-read");
            reader.setDaemon(true);
            reader.start();
            try {
                return read.get(UNTRUSTED_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                unblock(dir, path);
                throw new ProviderException(path + " could not be read within " + UNTRUSTED_READ_TIMEOUT.toSeconds() + " s: in a"
                        + " directory others can write, it may have been replaced by a named pipe; Kraftwerk reads only regular files");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ProviderException p) {
                    throw p;
                }
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading " + path, e);
            }
        }
    }

    private byte[] readOpen(PinnedDirectory dir, Path path, long limit) throws IOException, ProviderException {
        try (SeekableByteChannel channel = dir.stream().newByteChannel(name(path), Set.of(StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS))) {
            if (channel.size() > limit) {
                throw tooLarge(path, limit);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) channel.size());
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) > 0) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
                if (out.size() > limit) {
                    throw tooLarge(path, limit); // it grew while read
                }
            }
            return out.toByteArray();
        }
    }

    private static ProviderException tooLarge(Path path, long limit) {
        return new ProviderException(path + " is larger than the " + limit / 1024 + " KiB Kraftwerk reads of it; remove or shrink it"
                + " (no content Kraftwerk manages is that large)");
    }

    /** Lets a reader blocked on a named pipe go: opening it for writing (no truncation) completes its open. */
    private static void unblock(PinnedDirectory dir, Path path) {
        try (SeekableByteChannel ignored = dir.stream().newByteChannel(name(path), Set.of(StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS))) {
            // opened and closed: the reader sees the end of the pipe
        } catch (IOException | RuntimeException e) {
            // gone or not a pipe: the daemon thread ends with the process
        }
    }

    /**
     * Replaces {@code target} with {@code content} atomically. Owner, group and mode that are null
     * are kept from the file being replaced (or the agent's user and 0644 for a new file).
     */
    public void writeAtomically(Path target, byte[] content, String owner, String group, String mode)
            throws IOException, ProviderException {
        try (PinnedDirectory dir = parent(target)) {
            FsEntry existing = stat(dir, target);
            if (existing.type() == FsEntry.Type.SYMLINK && !dir.trusted()) {
                throw new ProviderException(target + " is a symbolic link in " + dir.untrustedBecause() + "; Kraftwerk neither"
                        + " follows nor replaces it, since someone may have planted it (remove it, or manage a path in a"
                        + " directory only root can write)");
            }
            String finalMode = mode != null ? mode : existing.type() == FsEntry.Type.FILE ? existing.mode() : "0644";
            requirePlainModeUnlessTrusted(dir, target, finalMode);
            SecureDirectoryStream<Path> stream = dir.stream();
            Path temp = Path.of(TEMP_PREFIX + target.getFileName() + "." + HexFormat.of().formatHex(randomBytes()));
            try {
                try (SeekableByteChannel channel = stream.newByteChannel(temp, Set.of(StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
                    setOwnership(stream, temp, owner != null ? owner : existing.exists() ? existing.owner() : null,
                            group != null ? group : existing.exists() ? existing.group() : null);
                    ByteBuffer buffer = ByteBuffer.wrap(content);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                    if (channel instanceof FileChannel file) {
                        file.force(true);
                    }
                }
                setMode(dir, temp, finalMode);
                try {
                    stream.move(temp, stream, name(target));
                } catch (AtomicMoveNotSupportedException e) {
                    throw new ProviderException("cannot replace " + target + " atomically: " + e.getMessage());
                }
                syncDirectory(dir.path());
            } finally {
                deleteQuietly(stream, temp);
            }
        }
    }

    /** Sets owner and group (either may be null: kept) of what is at {@code path}, never of a link's target. */
    public void setOwnership(Path path, String owner, String group) throws IOException, ProviderException {
        try (PinnedDirectory dir = parent(path)) {
            requireOwnFile(dir, path, stat(dir, path));
            setOwnership(dir.stream(), name(path), owner, group);
        }
    }

    /** Sets all twelve permission bits of what is at {@code path}, never of a link's target. */
    public void setMode(Path path, String mode) throws IOException, ProviderException {
        try (PinnedDirectory dir = parent(path)) {
            requireOwnFile(dir, path, stat(dir, path));
            requirePlainModeUnlessTrusted(dir, path, mode);
            setMode(dir, name(path), mode);
        }
    }

    /** Removes the file (or link) at {@code path}, not what a link points to; absent is fine. */
    public void delete(Path path) throws IOException {
        Optional<PinnedDirectory> parent = PinnedDirectory.parentOf(anchor, path);
        if (parent.isEmpty()) {
            return;
        }
        try (PinnedDirectory dir = parent.get()) {
            try {
                dir.stream().deleteFile(name(path));
            } catch (NoSuchFileException e) {
                return;
            }
            syncDirectory(dir.path());
        }
    }

    /**
     * Creates the directory at {@code path} with its owner and mode. The new directory is then
     * opened through its pinned parent, so owner and mode go to the directory made here even if
     * another user renamed things around it.
     */
    public void createDirectory(Path path, String owner, String group, String mode) throws IOException, ProviderException {
        try (PinnedDirectory dir = parent(path)) {
            requirePlainModeUnlessTrusted(dir, path, mode);
            Files.createDirectory(dir.path().resolve(name(path)), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            if (!stat(dir, path).type().equals(FsEntry.Type.DIRECTORY)) {
                throw new ProviderException(path + " was replaced while it was being created; nothing more was done to it");
            }
            setOwnership(dir.stream(), name(path), owner, group);
            setMode(dir, name(path), mode);
            syncDirectory(dir.path());
        }
    }

    /**
     * Removes the directory at {@code path}: an empty one, or everything in it with
     * {@code recursive}; links inside are removed, never followed.
     */
    public void deleteDirectory(Path path, boolean recursive) throws IOException, ProviderException {
        try (PinnedDirectory dir = parent(path)) {
            if (recursive) {
                try (SecureDirectoryStream<Path> inside = (SecureDirectoryStream<Path>) dir.stream().newDirectoryStream(name(path),
                        LinkOption.NOFOLLOW_LINKS)) {
                    emptyTree(inside);
                }
            }
            dir.stream().deleteDirectory(name(path));
            syncDirectory(dir.path());
        }
    }

    private static void emptyTree(SecureDirectoryStream<Path> dir) throws IOException {
        for (Path entry : dir) {
            Path name = entry.getFileName();
            PosixFileAttributes attrs = dir.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
            if (attrs.isDirectory()) {
                try (SecureDirectoryStream<Path> sub = (SecureDirectoryStream<Path>) dir.newDirectoryStream(name,
                        LinkOption.NOFOLLOW_LINKS)) {
                    emptyTree(sub);
                }
                dir.deleteDirectory(name);
            } else {
                dir.deleteFile(name);
            }
        }
    }

    /**
     * Deletes temp files a killed run left in {@code dir} beside the named files, and only theirs:
     * {@value #TEMP_PREFIX}NAME followed by the exact random suffix. One listing per directory.
     */
    public static void removeStaleTemps(Path dir, Set<String> names) throws IOException {
        if (dir == null || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Pattern temp = Pattern.compile(
                Pattern.quote(TEMP_PREFIX) + "(.+)\\.[0-9a-f]{12}");
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(dir, TEMP_PREFIX + "*")) {
            for (Path p : candidates) {
                Matcher m = temp.matcher(p.getFileName().toString());
                if (m.matches() && names.contains(m.group(1))) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private PinnedDirectory parent(Path path) throws IOException, ProviderException {
        return PinnedDirectory.parentOf(anchor, path).orElseThrow(() -> new ProviderException("the directory "
                + path.toAbsolutePath().getParent() + " does not exist (declare it as a directory resource, or create it)"));
    }

    private static Path name(Path path) {
        return path.getFileName();
    }

    /**
     * What is at the pinned directory's entry. The type, owner, group and permissions come from
     * the entry itself; the special bits and link count, which only a path lookup gives, are taken
     * only if that lookup found the same file.
     */
    private static FsEntry stat(PinnedDirectory dir, Path path) throws IOException {
        PosixFileAttributes attrs;
        try {
            attrs = dir.stream().getFileAttributeView(name(path), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes();
        } catch (NoSuchFileException e) {
            return FsEntry.ABSENT;
        }
        FsEntry.Type type = attrs.isRegularFile() ? FsEntry.Type.FILE : attrs.isDirectory() ? FsEntry.Type.DIRECTORY
                : attrs.isSymbolicLink() ? FsEntry.Type.SYMLINK : FsEntry.Type.OTHER;
        Map<String, Object> unix = Files.readAttributes(dir.path().resolve(name(path)), "unix:mode,nlink,fileKey",
                LinkOption.NOFOLLOW_LINKS);
        if (!attrs.fileKey().equals(unix.get("fileKey"))) {
            throw new PinnedDirectory.Untrusted(path + " changed while it was being read (someone replaced it); it is left alone"
                    + " this run");
        }
        int mode = (Integer) unix.get("mode") & 07777;
        return new FsEntry(type, attrs.owner().getName(), attrs.group().getName(), String.format("%04o", mode),
                (Integer) unix.get("nlink"));
    }

    /**
     * In a directory others can write, only a file of its own may be read or changed: not a link
     * (whose target would be changed instead) nor a hard link to a file elsewhere.
     */
    private static void requireOwnFile(PinnedDirectory dir, Path path, FsEntry entry) throws ProviderException {
        if (dir.trusted()) {
            return;
        }
        if (entry.type() == FsEntry.Type.SYMLINK) {
            throw new ProviderException(path + " is a symbolic link in " + dir.untrustedBecause() + "; Kraftwerk does not follow"
                    + " it, since someone may have planted it (remove it, or manage a path in a directory only root can write)");
        }
        if (entry.type() == FsEntry.Type.FILE && entry.links() > 1) {
            throw new ProviderException(path + " has " + entry.links() + " hard links and is in " + dir.untrustedBecause()
                    + ": it may be another file's, so Kraftwerk does not read or change it (remove the other links, or manage"
                    + " a path in a directory only root can write)");
        }
    }

    private static void requirePlainModeUnlessTrusted(PinnedDirectory dir, Path path, String mode) throws ProviderException {
        if (mode != null && (Integer.parseInt(mode, 8) & 07000) != 0 && !dir.trusted()) {
            throw new ProviderException("mode " + mode + " for " + path + ": setuid, setgid and sticky bits are not set in "
                    + dir.untrustedBecause() + " (manage the path in a directory only root can write)");
        }
    }

    private static void setOwnership(SecureDirectoryStream<Path> dir, Path name, String owner, String group)
            throws IOException, ProviderException {
        PosixFileAttributeView view = dir.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (owner != null) {
            view.setOwner(user(owner));
        }
        if (group != null) {
            view.setGroup(group(group));
        }
    }

    /**
     * Sets the mode through the pinned directory when it has no special bits. With setuid, setgid
     * or sticky bits (Java's views know only the low nine) it goes by path, without following a
     * link, which is safe because the caller checked that only root can change the path.
     */
    private static void setMode(PinnedDirectory dir, Path name, String mode) throws IOException {
        int bits = Integer.parseInt(mode, 8);
        if ((bits & 07000) == 0) {
            dir.stream().getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setPermissions(permissions(bits));
        } else {
            Files.setAttribute(dir.path().resolve(name), "unix:mode", bits, LinkOption.NOFOLLOW_LINKS);
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

    private static void deleteQuietly(SecureDirectoryStream<Path> dir, Path name) throws IOException {
        try {
            dir.deleteFile(name);
        } catch (NoSuchFileException | FileAlreadyExistsException | DirectoryNotEmptyException e) {
            // renamed into place, or never made
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
