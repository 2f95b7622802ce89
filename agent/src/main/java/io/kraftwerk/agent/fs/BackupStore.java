package io.kraftwerk.agent.fs;

import io.kraftwerk.agent.provider.ProviderException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Keeps the content a run replaces or removes, so the operator can restore it: the old
 * {@code /etc/motd} goes to {@code STATE/backup/etc/motd/20261122T101500.123Z}. Backups are
 * readable by root only (they may hold secrets); the newest {@value #KEEP} per path are kept.
 */
public final class BackupStore {
    public static final int KEEP = 10;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path root;
    private final Clock clock;
    private final FsOps fs;

    public BackupStore(Path root, Clock clock, FsOps fs) {
        this.root = root;
        this.clock = clock;
        this.fs = fs;
    }

    public Path root() {
        return root;
    }

    /** Stores {@code content}, the current content of node path {@code path}; returns where. */
    public Path store(String path, byte[] content) throws IOException, ProviderException {
        Path dir = root.resolve(path.substring(1));
        Files.createDirectories(dir);
        fs.setMode(root, "0700");
        Path copy = dir.resolve(STAMP.format(clock.instant()));
        // the agent's own state: owned by whoever runs it (root as a service, a user for the quick start's noop)
        fs.writeAtomically(copy, content, null, null, "0600");
        prune(dir);
        return copy;
    }

    /** The backups of a path, oldest first. */
    public List<Path> list(String path) throws IOException {
        Path dir = root.resolve(path.substring(1));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "[0-9]*T*Z")) {
            entries.forEach(out::add);
        }
        Collections.sort(out);
        return out;
    }

    private void prune(Path dir) throws IOException {
        List<Path> all = list("/" + root.relativize(dir));
        for (int i = 0; i < all.size() - KEEP; i++) {
            Files.deleteIfExists(all.get(i));
        }
    }
}
