package io.kraftwerk.master.manifest;

import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Keeps JGit from writing into the home directory of whoever runs the master. JGit records what it
 * learns about the file system (e.g. whether it supports atomic file creation, and how fine its
 * timestamps are) in {@code ~/.config/jgit/config}; a configuration tool that leaves files in
 * root's home on the machine it merely looks at is not one to trust. Tools that start and stop
 * (compile, lint) keep those settings in memory; {@code kw-master serve} keeps them in its data
 * directory, because measuring the timestamps takes JGit three seconds of every start otherwise
 * (docs/benchmarks.md, issue 17). Reading the user's and the system's git configuration is unchanged.
 */
public final class QuietJGit {
    private static boolean installed;

    private QuietJGit() {
    }

    /** JGit's own settings in memory, unless {@link #keepIn} chose a file first. */
    public static synchronized void install() {
        install(null);
    }

    /** JGit's own settings in this file (the master's data directory), so what it measured holds for the next start. */
    public static synchronized void keepIn(Path file) {
        install(file);
    }

    private static void install(Path file) {
        if (installed) {
            return;
        }
        SystemReader.setInstance(new SystemReader.Delegate(SystemReader.getInstance()) {
            @Override
            public FileBasedConfig openJGitConfig(Config parent, FS fs) {
                return file == null ? new InMemory(parent, fs) : new FileBasedConfig(parent, file.toFile(), fs);
            }
        });
        installed = true;
    }

    private static final class InMemory extends FileBasedConfig {
        InMemory(Config parent, FS fs) {
            super(parent, null, fs);
        }

        @Override
        public void load() {
            // nothing stored: nothing to load
        }

        @Override
        public void save() throws IOException {
            // kept in memory only
        }

        @Override
        public boolean isOutdated() {
            return false;
        }
    }
}
