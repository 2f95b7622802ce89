package io.kraftwerk.agent.provider.files;

import io.kraftwerk.agent.fs.FsEntry;
import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.Tidying;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.FileResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code file}: content by comparison, owner, group, mode. Content is replaced atomically and the
 * old content kept in the backup store. A directory is never replaced by a file.
 */
public final class FileProvider implements Provider<FileResource>, Tidying<FileResource> {
    static final String CONTENT = "content";

    @Override
    public Class<FileResource> resourceClass() {
        return FileResource.class;
    }

    @Override
    public Desired desired(FileResource file) {
        Desired desired = new Desired().ensure(file.ensure() == Ensure.PRESENT ? "present" : "absent");
        desired.content(CONTENT, file.content(), file.sensitive());
        FsAttributes.desired(desired, file.owner(), file.group(), file.mode());
        return desired;
    }

    @Override
    public Observed observe(FileResource file, ProviderContext context) throws IOException, ProviderException {
        Path path = context.path(file.path());
        FsEntry entry = context.fs().stat(path);
        Observed observed = new Observed().put(Desired.ENSURE, FsAttributes.ensureOf(entry, FsEntry.Type.FILE));
        if (entry.type() == FsEntry.Type.FILE) {
            FsAttributes.observe(observed, entry);
            if (file.content() != null) {
                // a link or hard link others may have planted is not read: the resource fails with the reason
                observed.put(CONTENT, new String(context.fs().read(path), StandardCharsets.UTF_8));
            }
        }
        return observed;
    }

    @Override
    public boolean apply(FileResource file, List<Change> changes, ProviderContext context)
            throws IOException, ProviderException {
        Path path = context.path(file.path());
        FsEntry entry = context.fs().stat(path);
        if (entry.type() == FsEntry.Type.DIRECTORY || entry.type() == FsEntry.Type.OTHER) {
            throw new ProviderException(file.path() + " is " + entry.describe() + "; Kraftwerk does not replace it with a file"
                    + " (remove it by hand, or manage it as a directory)");
        }
        if (file.ensure() == Ensure.ABSENT) {
            backUp(file, path, entry, context);
            context.fs().delete(path);
            return false;
        }
        boolean create = changes.stream().anyMatch(Change::isEnsure);
        boolean rewrite = create || changes.stream().anyMatch(c -> c.property().equals(CONTENT));
        if (rewrite) {
            byte[] content = file.content() != null ? file.content().getBytes(StandardCharsets.UTF_8)
                    : entry.type() == FsEntry.Type.FILE ? context.fs().read(path) : new byte[0];
            backUp(file, path, entry, context);
            context.fs().writeAtomically(path, content, file.owner(), file.group(), file.mode());
            return false;
        }
        FsAttributes.apply(path, changes, context);
        return false;
    }

    @Override
    public void tidy(List<FileResource> files, ProviderContext context) throws IOException {
        Map<Path, Set<String>> byDirectory = new HashMap<>();
        for (FileResource f : files) {
            Path path = context.path(f.path());
            byDirectory.computeIfAbsent(path.getParent(), d -> new HashSet<>()).add(path.getFileName().toString());
        }
        for (var e : byDirectory.entrySet()) {
            FsOps.removeStaleTemps(e.getKey(), e.getValue());
        }
    }

    /**
     * Keeps what is replaced or removed, but never a sensitive file's old content: a backup would be
     * one more copy of a secret on disk, outliving the rotation that replaced it (the catalog, root's
     * alone, holds the current value to restore).
     */
    private static void backUp(FileResource file, Path path, FsEntry entry, ProviderContext context)
            throws IOException, ProviderException {
        if (entry.type() == FsEntry.Type.FILE && !file.sensitive()) {
            context.backups().store(file.path(), context.fs().read(path));
        }
    }
}
