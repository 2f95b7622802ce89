package io.kraftwerk.agent.facts;

import io.kraftwerk.agent.fs.PinnedDirectory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * facts.d, read as only root's own files may be, since the agent runs as root: anyone who could
 * change a file there could choose the node's facts or, with an executable, run code as root. The
 * directory and every directory above it must be changeable by root alone (walked from the root
 * with {@link PinnedDirectory}, following only links root made), and so must each file before it
 * is read or run: owned by root and writable by neither group nor others. A symbolic link in
 * facts.d is followed (root made it) only to a file that passes the same test, in directories that
 * do. Once a path is known to be root's alone, nobody else can change it between the check and
 * the use.
 */
final class FactsDirectory {
    private static final int MAX_LINKS = 8;

    private final Path anchor;
    private final Path path;
    private final Path real;

    private FactsDirectory(Path anchor, Path path, Path real) {
        this.anchor = anchor;
        this.path = path;
        this.real = real;
    }

    /** One usable source: a data file's content, or an executable to run. */
    sealed interface Source permits Data, Program {
    }

    /** @param format from the name; @param content at most the limit */
    record Data(FactsFormat format, byte[] content) implements Source {
    }

    /** @param executable the file itself (links followed), as checked */
    record Program(Path executable) implements Source {
    }

    /**
     * Opens facts.d at {@code path}, walked from {@code anchor} ({@code /} on a node); empty when
     * there is no such directory.
     *
     * @throws SourceException when it is not a directory or not root's alone; the message starts with the path
     */
    static Optional<FactsDirectory> open(Path anchor, Path path) throws SourceException {
        Optional<PinnedDirectory> pinned;
        try {
            pinned = PinnedDirectory.parentOf(anchor, path.resolve("entry"));
        } catch (NotDirectoryException e) {
            throw new SourceException(path + ": not a directory, so no custom facts are read (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new SourceException(path + ": cannot be opened safely, so no custom facts are read: " + e.getMessage());
        }
        if (pinned.isEmpty()) {
            return Optional.empty();
        }
        try (PinnedDirectory dir = pinned.get()) {
            String unsafe = whyUnsafe(dir.path());
            if (unsafe != null) {
                throw new SourceException(path + ": " + unsafe + ", so nothing in it is read or run (chown root:root " + path
                        + "; chmod go-w " + path + ")");
            }
            if (!dir.trusted()) {
                throw new SourceException(path + ": lies in " + dir.untrustedBecause() + ", so nothing in it is read or run"
                        + " (make every directory above it root's and writable by no one else)");
            }
            return Optional.of(new FactsDirectory(anchor, path, dir.path()));
        } catch (IOException e) {
            throw new SourceException(path + ": cannot be read: " + e.getMessage());
        }
    }

    /** The directory as given (for messages). */
    Path path() {
        return path;
    }

    /** The names of its entries, unsorted. */
    List<String> names() throws IOException {
        List<String> names = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(real)) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    /**
     * The entry {@code name} as a source: a data file by its extension, else an executable.
     *
     * @throws SourceException what makes it no source (unsafe, not a file, too large, …), without the path in front
     */
    Source source(String name, int maxBytes) throws SourceException, IOException {
        Path file = real.resolve(name);
        Map<String, Object> attributes = attributes(file);
        String subject = "";
        for (int hops = 0; (Boolean) attributes.get("isSymbolicLink"); hops++) {
            if (hops == MAX_LINKS) {
                throw new SourceException("more than " + MAX_LINKS + " symbolic links in a row: not read");
            }
            Path target = file.getParent().resolve(Files.readSymbolicLink(file)).normalize();
            subject = "a symbolic link to " + target + ", which ";
            if (target.getFileName() == null) {
                throw new SourceException(subject + "is a directory, not a file: not read");
            }
            file = checkedDirectory(target, subject).resolve(target.getFileName());
            try {
                attributes = attributes(file);
            } catch (NoSuchFileException e) {
                throw new SourceException(subject + "does not exist: not read");
            }
        }
        String is = subject.isEmpty() ? "" : subject + "is ";
        if (!(Boolean) attributes.get("isRegularFile")) {
            throw new SourceException(is + kind(attributes) + ", not a file: not read"
                    + ((Boolean) attributes.get("isDirectory") ? " (facts.d is read one level deep)" : ""));
        }
        Optional<FactsFormat> format = FactsFormat.ofFileName(name);
        boolean executable = ((Integer) attributes.get("mode") & 0111) != 0;
        String unsafe = whyUnsafe(attributes);
        if (unsafe != null) {
            throw new SourceException(is + unsafe + ": not " + (format.isEmpty() && executable ? "run" : "read")
                    + " (chown root:root " + file + "; chmod go-w " + file + ")");
        }
        if (format.isPresent()) {
            long size = (Long) attributes.get("size");
            byte[] content = size > maxBytes ? null : read(file, maxBytes);
            if (content == null) {
                throw new SourceException(is + "more than " + CustomFacts.Limits.size(maxBytes) + ", the most read from one"
                        + " source: not read (keep bulky data out of facts)");
            }
            return new Data(format.get(), content);
        }
        if (executable) {
            return new Program(file);
        }
        throw new SourceException(is + "neither executable nor named .json, .yaml, .yml or .txt: not used (chmod 0755 it to"
                + " run it, or rename it)");
    }

    /** The directory of a link's target, walked like facts.d; {@code link} begins the message when it may not be used. */
    private Path checkedDirectory(Path target, String link) throws SourceException, IOException {
        Optional<PinnedDirectory> parent = PinnedDirectory.parentOf(anchor, target);
        if (parent.isEmpty()) {
            throw new SourceException(link + "does not exist: not read");
        }
        try (PinnedDirectory dir = parent.get()) {
            if (!dir.trusted()) {
                throw new SourceException(link + "lies in " + dir.untrustedBecause() + ": not read or run (keep the file in a"
                        + " directory only root can write)");
            }
            return dir.path();
        }
    }

    /** The file's content, or null when it has more than {@code maxBytes} (it grew since it was looked at). */
    private static byte[] read(Path file, int maxBytes) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.allocate(maxBytes + 1);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // read on, to at most one byte more than allowed: enough to see that there is more
            }
            if (buffer.position() > maxBytes) {
                return null;
            }
            byte[] content = new byte[buffer.position()];
            buffer.flip().get(content);
            return content;
        }
    }

    private static Map<String, Object> attributes(Path file) throws IOException {
        return Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
    }

    private static String whyUnsafe(Path file) throws IOException {
        return whyUnsafe(attributes(file));
    }

    /** "owned by alice, not root", "writable by group staff", or null when only root can change it. */
    private static String whyUnsafe(Map<String, Object> attributes) {
        int mode = (Integer) attributes.get("mode");
        if ((Integer) attributes.get("uid") != 0) {
            return "owned by " + ((UserPrincipal) attributes.get("owner")).getName() + ", not root";
        }
        if ((mode & 0002) != 0) {
            return "writable by everyone";
        }
        if ((mode & 0020) != 0) {
            return "writable by group " + ((GroupPrincipal) attributes.get("group")).getName();
        }
        return null;
    }

    private static String kind(Map<String, Object> attributes) {
        return (Boolean) attributes.get("isDirectory") ? "a directory" : "a special file";
    }
}
