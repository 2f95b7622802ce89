package io.kraftwerk.agent.provider;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.exec.CommandRunner;
import io.kraftwerk.agent.fs.BackupStore;
import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.model.report.LogLine;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything a provider may use: the command runner, the file system root, the backup store, a
 * log for the report, and the generation counter. Providers reach for nothing global.
 */
public interface ProviderContext {
    CommandRunner runner();

    /** The file system root providers work under: {@code /} on a node. */
    Path root();

    BackupStore backups();

    /** Reads and writes of files, owners and modes that no other user of the node can redirect (see FsOps). */
    FsOps fs();

    Clock clock();

    /** How long to wait for a service to come up or answer its health check. */
    Duration serviceTimeout();

    /**
     * Bumped by the engine after every apply. Providers that cache what they read (getent,
     * dpkg-query) key the cache by it: any change may have touched what they cached (a package
     * creates users).
     */
    long generation();

    void log(LogLine.Level level, String source, String message);

    /** The artifacts of the master's store this run may install (none without a master). */
    default ArtifactSource artifacts() {
        return ArtifactSource.NONE;
    }

    /** Where an app's first deployment gets the data its {@code restore_from} names (nothing without a master). */
    default DataRestorer restorer() {
        return DataRestorer.NONE;
    }

    /** Whether releases that failed before are tried again this run ({@code kw-agent run --retry-failed}). */
    default boolean retryFailed() {
        return false;
    }

    /** The path of an absolute node path under {@link #root()}. */
    default Path path(String absolute) {
        return root().resolve(absolute.substring(1));
    }

    /** Runs a command and fails with its output when it exits non-zero. */
    default CommandResult check(List<String> argv) throws IOException, ProviderException {
        return check(argv, Map.of(), null);
    }

    default CommandResult check(List<String> argv, Map<String, String> env, byte[] stdin)
            throws IOException, ProviderException {
        CommandResult result = runner().run(argv, env, stdin);
        if (!result.succeeded()) {
            throw new ProviderException(result.describeFailure());
        }
        return result;
    }
}
