package io.kraftwerk.master.util;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Replaces a file below a directory without following a link on the way: every directory from the
 * root down is opened relative to the one above it, never through a link, and the new content is
 * written beside the file and renamed over it through that handle. Root rewriting another user's
 * working copy ({@code kw-master secrets rotate}) cannot be raced into writing elsewhere by a
 * directory swapped for a link between its read and its write. The file keeps its mode and owner.
 */
public final class ContainedFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ContainedFile() {
    }

    /**
     * @param root the directory the file must stay under (opened as given)
     * @param file a file below it
     */
    public static void replace(Path root, Path file, byte[] content) throws IOException {
        Path relative = root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
        if (relative.getNameCount() == 0 || relative.startsWith("..")) {
            throw new IOException(file + " is not below " + root);
        }
        List<SecureDirectoryStream<Path>> opened = new ArrayList<>();
        try {
            DirectoryStream<Path> top = Files.newDirectoryStream(root);
            if (!(top instanceof SecureDirectoryStream<Path> dir)) {
                top.close();
                throw new IOException("the file system of " + root + " cannot open directories without following links");
            }
            opened.add(dir);
            for (int i = 0; i < relative.getNameCount() - 1; i++) {
                try {
                    dir = dir.newDirectoryStream(relative.getName(i), LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    throw new IOException(root.resolve(relative.subpath(0, i + 1)) + " is not a directory (a link is not followed): "
                            + e.getMessage(), e);
                }
                opened.add(dir);
            }
            write(dir, relative.getFileName(), content, file);
        } finally {
            for (SecureDirectoryStream<Path> d : opened) {
                d.close();
            }
        }
    }

    private static void write(SecureDirectoryStream<Path> dir, Path name, byte[] content, Path shown) throws IOException {
        PosixFileAttributes was = dir.getFileAttributeView(name, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
        if (!was.isRegularFile()) {
            throw new IOException(shown + " is not a regular file (a link is not followed)");
        }
        writeBeside(dir, name, content, was.permissions(), was);
    }

    /**
     * Writes a file of an open directory: a new file beside it with {@code mode} from its first
     * byte (and, when root writes, the owner and group of {@code like}, if given), synced, then
     * renamed over the name — over a link there, never through it.
     */
    public static void writeBeside(SecureDirectoryStream<Path> dir, Path name, byte[] content, Set<PosixFilePermission> mode,
                                   PosixFileAttributes like) throws IOException {
        byte[] suffix = new byte[4];
        RANDOM.nextBytes(suffix);
        Path temp = Path.of("." + name + "." + HexFormat.of().formatHex(suffix) + ".tmp");
        try {
            try (SeekableByteChannel channel = dir.newByteChannel(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(mode))) {
                PosixFileAttributeView view = dir.getFileAttributeView(temp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                view.setPermissions(mode); // the umask may have taken bits
                PosixFileAttributes now = view.readAttributes();
                // only root can give a file away; another user who may write the file keeps what a new file gets
                if (like != null && now.owner().getName().equals("root")
                        && (!like.owner().equals(now.owner()) || !like.group().equals(now.group()))) {
                    view.setOwner(like.owner());
                    view.setGroup(like.group());
                }
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                if (channel instanceof FileChannel f) {
                    f.force(true); // on disk before it replaces the old file: a crash leaves one or the other
                }
            }
            dir.move(temp, dir, name);
        } finally {
            try {
                dir.deleteFile(temp);
            } catch (IOException e) {
                // renamed: nothing left
            }
        }
    }
}
