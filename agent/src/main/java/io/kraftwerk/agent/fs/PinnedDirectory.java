package io.kraftwerk.agent.fs;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The directory a managed path lives in, opened one component at a time from a trusted root and
 * held open (a directory descriptor) while the path is read or changed, so that every operation
 * names the file relative to that descriptor and never follows a link at the final component.
 *
 * <p>A directory is <em>trusted</em> when only root (or the agent's own user) can change its
 * entries: owned by one of them and writable by no one else. A symbolic link on the way is followed
 * only when the directory holding it is trusted, so nobody but root can have put it there; in a
 * directory another user can write, the walk stops with an {@link Untrusted} error. Once the
 * parent is pinned, a user swapping a component of the path for a link can no longer redirect
 * anything: what is opened is the directory already held.
 */
public final class PinnedDirectory implements AutoCloseable {
    private static final int MAX_LINKS = 40;
    private static final long SELF = new UnixSystem().getUid();

    private final SecureDirectoryStream<Path> dir;
    private final Path path;
    private final String untrustedBecause;

    private PinnedDirectory(SecureDirectoryStream<Path> dir, Path path, String untrustedBecause) {
        this.dir = dir;
        this.path = path;
        this.untrustedBecause = untrustedBecause;
    }

    /** A path that cannot be walked or read safely (a link others could have placed, a file swapped while read). */
    public static final class Untrusted extends IOException {
        private static final long serialVersionUID = 1L;

        public Untrusted(String message) {
            super(message);
        }
    }

    /**
     * Opens the parent of {@code target}, walking from {@code anchor} (trusted: the node's root).
     * Empty when a directory on the way does not exist.
     */
    public static Optional<PinnedDirectory> parentOf(Path anchor, Path target) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent() == null ? absolute : absolute.getParent();
        return walk(anchor, parent, absolute.toString());
    }

    /** The trusted place to walk {@code path} from: the anchor when the path is below it, else {@code /}. */
    private static Path start(Path anchor, Path path) {
        return path.startsWith(anchor) ? anchor : path.getRoot();
    }

    private static Optional<PinnedDirectory> walk(Path anchor, Path directory, String target) throws IOException {
        Path start = start(anchor, directory);
        List<String> components = names(start.relativize(directory));
        Path at = start;
        String untrusted = null;
        SecureDirectoryStream<Path> current = open(start);
        int links = 0;
        try {
            for (int i = 0; i < components.size(); i++) {
                String name = components.get(i);
                PosixFileAttributes attrs;
                try {
                    attrs = current.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .readAttributes();
                } catch (NoSuchFileException e) {
                    current.close();
                    return Optional.empty();
                }
                String here = untrusted != null ? untrusted : whyUntrusted(current, at);
                if (attrs.isSymbolicLink()) {
                    if (here != null) {
                        throw new Untrusted(at.resolve(name) + " is a symbolic link in " + here + "; Kraftwerk does not follow"
                                + " links that others could change (on the way to " + target + ")");
                    }
                    if (++links > MAX_LINKS) {
                        throw new Untrusted("too many symbolic links on the way to " + target);
                    }
                    // only root can have made this link, and every directory so far is root's: follow it by name
                    Path resolved = at.resolve(Files.readSymbolicLink(at.resolve(name))).normalize();
                    Path restart = start(anchor, resolved);
                    List<String> rest = new ArrayList<>(names(restart.relativize(resolved)));
                    rest.addAll(components.subList(i + 1, components.size()));
                    current.close();
                    current = open(restart);
                    at = restart;
                    components = rest;
                    i = -1;
                    continue;
                }
                if (!attrs.isDirectory()) {
                    throw new NotDirectoryException(at.resolve(name) + " (on the way to " + target + ") is not a directory");
                }
                SecureDirectoryStream<Path> next = (SecureDirectoryStream<Path>) current.newDirectoryStream(Path.of(name),
                        LinkOption.NOFOLLOW_LINKS);
                current.close();
                current = next;
                untrusted = here;
                at = at.resolve(name);
            }
            String last = untrusted != null ? untrusted : whyUntrusted(current, at);
            return Optional.of(new PinnedDirectory(current, at, last));
        } catch (IOException | RuntimeException e) {
            current.close();
            throw e;
        }
    }

    private static SecureDirectoryStream<Path> open(Path directory) throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(directory);
        if (stream instanceof SecureDirectoryStream<Path> secure) {
            return secure;
        }
        stream.close();
        throw new IOException("this system cannot open " + directory + " safely (no SecureDirectoryStream); Kraftwerk needs Linux");
    }

    /**
     * Why others could change the entries of the open directory, or null when only root or the
     * agent can. Numeric ids are read by path (no user database lookup on the way) and trusted only
     * if that path still leads to the directory held open.
     */
    private static String whyUntrusted(SecureDirectoryStream<Path> open, Path at) throws IOException {
        Object held = open.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
        Map<String, Object> unix = Files.readAttributes(at, "unix:uid,gid,mode,fileKey", LinkOption.NOFOLLOW_LINKS);
        if (!held.equals(unix.get("fileKey"))) {
            return at + ", which was replaced while it was being walked";
        }
        int uid = (Integer) unix.get("uid");
        int gid = (Integer) unix.get("gid");
        int mode = (Integer) unix.get("mode");
        if (uid != 0 && uid != SELF) {
            return at + ", which " + Files.getOwner(at, LinkOption.NOFOLLOW_LINKS).getName() + " owns";
        }
        if ((mode & 0002) != 0) {
            return at + ", which everyone can write";
        }
        if ((mode & 0020) != 0 && gid != 0) {
            return at + ", which group " + Files.readAttributes(at, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).group()
                    .getName() + " can write";
        }
        return null;
    }

    private static List<String> names(Path relative) {
        List<String> out = new ArrayList<>();
        for (Path p : relative) {
            if (!p.toString().isEmpty()) {
                out.add(p.toString());
            }
        }
        return out;
    }

    /** The directory's path, as walked (links resolved). */
    public Path path() {
        return path;
    }

    /** True when only root (or the agent's user) can change what this directory and those above it hold. */
    public boolean trusted() {
        return untrustedBecause == null;
    }

    /** "/home/alice, which alice owns": why it is not trusted, for messages; null when trusted. */
    public String untrustedBecause() {
        return untrustedBecause;
    }

    public SecureDirectoryStream<Path> stream() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        dir.close();
    }
}
