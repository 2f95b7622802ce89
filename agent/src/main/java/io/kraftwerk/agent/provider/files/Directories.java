package io.kraftwerk.agent.provider.files;

import io.kraftwerk.agent.fs.FsEntry;
import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** Creating, observing and removing directories, for {@code directory} and {@code data_dir}. */
final class Directories {
    private Directories() {
    }

    static Observed observe(Path path) throws IOException {
        FsEntry entry = FsOps.stat(path);
        Observed observed = new Observed().put(Desired.ENSURE, FsAttributes.ensureOf(entry, FsEntry.Type.DIRECTORY));
        if (entry.type() == FsEntry.Type.DIRECTORY) {
            FsAttributes.observe(observed, entry);
        }
        return observed;
    }

    static void create(String name, Path path, String owner, String group, String mode, ProviderContext context)
            throws IOException, ProviderException {
        FsEntry entry = FsOps.stat(path);
        if (entry.exists()) {
            throw new ProviderException(name + " is " + entry.describe() + "; Kraftwerk does not replace it with a directory");
        }
        if (!Files.isDirectory(path.getParent())) {
            throw new ProviderException("the parent directory " + path.getParent() + " does not exist"
                    + " (declare it as a directory resource, or create it)");
        }
        Files.createDirectory(path);
        context.fs().setOwnership(path, owner, group);
        context.fs().setMode(path, mode != null ? mode : "0755");
        FsOps.syncDirectory(path.getParent());
    }

    /**
     * Removes the directory: an empty one always, a non-empty one only when {@code recursive}.
     *
     * @param permission what the manifest must say to allow recursive removal, for the message
     */
    static void remove(String name, Path path, boolean recursive, String permission) throws IOException, ProviderException {
        FsEntry entry = FsOps.stat(path);
        if (entry.type() != FsEntry.Type.DIRECTORY) {
            throw new ProviderException(name + " is " + entry.describe() + ", not a directory; Kraftwerk leaves it alone");
        }
        if (!recursive) {
            try {
                Files.delete(path);
            } catch (DirectoryNotEmptyException e) {
                throw new ProviderException(name + " is not empty; it is kept (set " + permission
                        + " to remove it with everything in it)");
            }
        } else {
            deleteTree(path);
        }
        FsOps.syncDirectory(path.getParent());
    }

    /** Deletes a tree without following symlinks out of it. */
    static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                if (failure != null) {
                    throw failure;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
