package io.kraftwerk.agent.provider.files;

import io.kraftwerk.agent.fs.FsEntry;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The owner, group and mode aspect every file-like provider shares. */
final class FsAttributes {
    static final String OWNER = "owner";
    static final String GROUP = "group";
    static final String MODE = "mode";

    private FsAttributes() {
    }

    static void desired(Desired desired, String owner, String group, String mode) {
        desired.plain(OWNER, owner).plain(GROUP, group).plain(MODE, mode);
    }

    static void observe(Observed observed, FsEntry entry) {
        observed.put(OWNER, entry.owner()).put(GROUP, entry.group()).put(MODE, entry.mode());
    }

    /** Applies owner, group and mode changes among {@code changes}; the others are not its business. */
    static void apply(Path path, List<Change> changes, ProviderContext context) throws IOException, ProviderException {
        String owner = null;
        String group = null;
        for (Change c : changes) {
            switch (c.property()) {
                case OWNER -> owner = c.desired();
                case GROUP -> group = c.desired();
                case MODE -> context.fs().setMode(path, c.desired());
                default -> {
                }
            }
        }
        if (owner != null || group != null) {
            context.fs().setOwnership(path, owner, group);
        }
    }

    /** Ensure values for what is found where a file or directory should be. */
    static String ensureOf(FsEntry entry, FsEntry.Type wanted) {
        if (!entry.exists()) {
            return "absent";
        }
        return entry.type() == wanted ? "present" : entry.type().name().toLowerCase();
    }
}
