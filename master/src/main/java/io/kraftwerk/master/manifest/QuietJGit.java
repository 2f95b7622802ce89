package io.kraftwerk.master.manifest;

import java.io.IOException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Keeps JGit from writing into the home directory of whoever runs the master. JGit records what it
 * learns about the file system (e.g. whether it supports atomic file creation) in
 * {@code ~/.config/jgit/config}; the master only reads repositories, and a configuration tool that
 * leaves files in root's home on the machine it merely looks at is not one to trust. Its settings
 * stay in memory instead. Reading the user's and the system's git configuration is unchanged.
 */
public final class QuietJGit {
    private static boolean installed;

    private QuietJGit() {
    }

    public static synchronized void install() {
        if (installed) {
            return;
        }
        SystemReader.setInstance(new SystemReader.Delegate(SystemReader.getInstance()) {
            @Override
            public FileBasedConfig openJGitConfig(Config parent, FS fs) {
                return new InMemory(parent, fs);
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
