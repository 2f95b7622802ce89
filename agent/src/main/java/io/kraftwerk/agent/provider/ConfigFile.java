package io.kraftwerk.agent.provider;

import io.kraftwerk.agent.fs.FsEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A whole configuration file the agent renders for one resource (a cron.d job, an apt source),
 * owned by root, mode 0644: its existence, content and mode are the resource's properties, and
 * every write is atomic (see {@link io.kraftwerk.agent.fs.FsOps}).
 */
public final class ConfigFile {
    public static final String CONTENT = "content";
    public static final String MODE = "mode";
    private static final String FILE_MODE = "0644";

    private ConfigFile() {
    }

    public static Desired desired(boolean present, String content) {
        Desired desired = new Desired().ensure(present ? "present" : "absent");
        return present ? desired.content(CONTENT, content, false).plain(MODE, FILE_MODE) : desired;
    }

    public static Observed observe(String file, ProviderContext context) throws IOException, ProviderException {
        Path path = context.path(file);
        FsEntry entry = context.fs().stat(path);
        if (!entry.exists()) {
            return Observed.absent();
        }
        if (entry.type() != FsEntry.Type.FILE) {
            throw new ProviderException(file + " is " + entry.describe() + "; Kraftwerk does not replace it (remove it by hand)");
        }
        return new Observed().put(Desired.ENSURE, "present").put(MODE, entry.mode())
                .put(CONTENT, new String(context.fs().read(path), StandardCharsets.UTF_8));
    }

    /** Writes the file, making its directory (root, 0755) when the package that owns it is not installed yet. */
    public static void write(String file, String content, ProviderContext context) throws IOException, ProviderException {
        Path path = context.path(file);
        Path dir = path.getParent();
        if (!context.fs().stat(dir).exists()) {
            context.fs().createDirectory(dir, "root", "root", "0755");
        }
        context.fs().writeAtomically(path, content.getBytes(StandardCharsets.UTF_8), "root", "root", FILE_MODE);
    }

    public static void delete(String file, ProviderContext context) throws IOException {
        context.fs().delete(context.path(file));
    }
}
