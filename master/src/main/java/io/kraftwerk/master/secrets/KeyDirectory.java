package io.kraftwerk.master.secrets;

import io.kraftwerk.master.util.ContainedFile;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A directory of the key store, opened relative to its parent without following a link, and
 * written only through that handle. {@code kw-master secrets} runs as root while the data directory
 * belongs to the master's user: that user could put a link where {@code DATA/secrets} or a key file
 * is, and root writing, chmodding or chowning through it would give them a file anywhere (a script
 * run at login). Through the handle a planted link is refused (the directory) or replaced (a file),
 * never followed.
 */
final class KeyDirectory implements Closeable {
    private final SecureDirectoryStream<Path> dir;
    private final Path path;

    private KeyDirectory(SecureDirectoryStream<Path> dir, Path path) {
        this.dir = dir;
        this.path = path;
    }

    /** Opens (and first makes, 0700, when missing) a directory; a link in its place is refused. */
    static KeyDirectory open(Path path) throws IOException {
        Path absolute = path.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        try {
            // mkdir does not follow a link in the last place: a planted one makes this fail, and the open below refuse it
            Files.createDirectory(absolute, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // there already
        }
        try (DirectoryStream<Path> parent = Files.newDirectoryStream(absolute.getParent())) {
            if (!(parent instanceof SecureDirectoryStream<Path> secure)) {
                throw new IOException("the file system of " + absolute + " cannot open directories without following links,"
                        + " which the secrets keys need");
            }
            SecureDirectoryStream<Path> opened;
            try {
                opened = secure.newDirectoryStream(absolute.getFileName(), LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw new IOException(absolute + " is not a directory (a link where it should be is refused): " + e.getMessage(), e);
            }
            KeyDirectory directory = new KeyDirectory(opened, absolute);
            directory.view(null).setPermissions(PosixFilePermissions.fromString("rwx------"));
            return directory;
        }
    }

    /** A subdirectory, made (0700) when missing, opened through this one without following a link. */
    KeyDirectory child(String name) throws IOException {
        try {
            Files.createDirectory(path.resolve(name), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (FileAlreadyExistsException e) {
            // there already
        }
        SecureDirectoryStream<Path> opened;
        try {
            opened = dir.newDirectoryStream(Path.of(name), LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new IOException(path.resolve(name) + " is not a directory (a link where it should be is refused): " + e.getMessage(), e);
        }
        KeyDirectory child = new KeyDirectory(opened, path.resolve(name));
        child.view(null).setPermissions(PosixFilePermissions.fromString("rwx------"));
        return child;
    }

    /** Writes a file 0600 from its first byte, beside its place, and renames it there (over a link, never through it). */
    void write(String name, byte[] content) throws IOException {
        ContainedFile.writeBeside(dir, Path.of(name), content, PosixFilePermissions.fromString("rw-------"), null);
    }

    /** Moves a file of this directory into another, by name on both sides. */
    void move(String name, KeyDirectory to) throws IOException {
        dir.move(Path.of(name), to.dir, Path.of(name));
    }

    /** Gives the directory itself (name null) or one of its files to an owner and group, never through a link. */
    void chown(String name, PosixFileAttributes like) throws IOException {
        PosixFileAttributeView view = view(name);
        view.setOwner(like.owner());
        view.setGroup(like.group());
    }

    /** The attributes of the directory itself (name null) or one of its files, a link's own if it is one. */
    PosixFileAttributes attributes(String name) throws IOException {
        return view(name).readAttributes();
    }

    private PosixFileAttributeView view(String name) {
        return name == null ? dir.getFileAttributeView(PosixFileAttributeView.class)
                : dir.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    }

    Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        dir.close();
    }
}
