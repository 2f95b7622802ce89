package io.kraftwerk.agent.provider.files;

import io.kraftwerk.agent.fs.FsEntry;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Path;

/** Creating, observing and removing directories, for {@code directory} and {@code data_dir}. */
final class Directories {
    private Directories() {
    }

    static Observed observe(Path path, ProviderContext context) throws IOException {
        FsEntry entry = context.fs().stat(path);
        Observed observed = new Observed().put(Desired.ENSURE, FsAttributes.ensureOf(entry, FsEntry.Type.DIRECTORY));
        if (entry.type() == FsEntry.Type.DIRECTORY) {
            FsAttributes.observe(observed, entry);
        }
        return observed;
    }

    static void create(String name, Path path, String owner, String group, String mode, ProviderContext context)
            throws IOException, ProviderException {
        FsEntry entry = context.fs().stat(path);
        if (entry.exists()) {
            throw new ProviderException(name + " is " + entry.describe() + "; Kraftwerk does not replace it with a directory");
        }
        context.fs().createDirectory(path, owner, group, mode != null ? mode : "0755");
    }

    /**
     * Removes the directory: an empty one always, a non-empty one only when {@code recursive}.
     *
     * @param permission what the manifest must say to allow recursive removal, for the message
     */
    static void remove(String name, Path path, boolean recursive, String permission, ProviderContext context)
            throws IOException, ProviderException {
        FsEntry entry = context.fs().stat(path);
        if (entry.type() != FsEntry.Type.DIRECTORY) {
            throw new ProviderException(name + " is " + entry.describe() + ", not a directory; Kraftwerk leaves it alone");
        }
        try {
            context.fs().deleteDirectory(path, recursive);
        } catch (DirectoryNotEmptyException e) {
            throw new ProviderException(name + " is not empty; it is kept (set " + permission
                    + " to remove it with everything in it)");
        }
    }
}
