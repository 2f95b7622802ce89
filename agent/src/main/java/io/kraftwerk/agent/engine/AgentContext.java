package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.exec.CommandRunner;
import io.kraftwerk.agent.fs.BackupStore;
import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.agent.provider.ArtifactSource;
import io.kraftwerk.agent.provider.DataRestorer;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.model.report.LogLine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The context of one run: what providers may use, and the log lines they leave for the report. */
public final class AgentContext implements ProviderContext {
    private final CommandRunner runner;
    private final Path root;
    private final FsOps fs;
    private final BackupStore backups;
    private final Clock clock;
    private final Duration serviceTimeout;
    private final List<LogLine> log = new ArrayList<>();
    private final List<Consumer<LogLine>> listeners = new ArrayList<>();
    private long generation;
    private ArtifactSource artifacts = ArtifactSource.NONE;
    private DataRestorer restorer = DataRestorer.NONE;
    private boolean retryFailed;

    public AgentContext(CommandRunner runner, Path root, Path backupDir, Clock clock, Duration serviceTimeout) {
        this.runner = runner;
        this.root = root;
        this.fs = new FsOps(root);
        this.backups = new BackupStore(backupDir, clock, fs);
        this.clock = clock;
        this.serviceTimeout = serviceTimeout;
    }

    /** Where a first deployment's restore_from dump comes from this run: the master. */
    public AgentContext restorer(DataRestorer restorer) {
        this.restorer = restorer;
        return this;
    }

    @Override
    public DataRestorer restorer() {
        return restorer;
    }

    /** Where artifacts come from this run: the master's store through the agent's cache. */
    public AgentContext artifacts(ArtifactSource source) {
        this.artifacts = source;
        return this;
    }

    @Override
    public ArtifactSource artifacts() {
        return artifacts;
    }

    /** {@code --retry-failed}: build and try releases that failed before. */
    public AgentContext retryFailed(boolean retry) {
        this.retryFailed = retry;
        return this;
    }

    @Override
    public boolean retryFailed() {
        return retryFailed;
    }

    @Override
    public CommandRunner runner() {
        return runner;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public BackupStore backups() {
        return backups;
    }

    @Override
    public FsOps fs() {
        return fs;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Duration serviceTimeout() {
        return serviceTimeout;
    }

    @Override
    public long generation() {
        return generation;
    }

    /** After anything changed the node: cached reads are stale. */
    void nextGeneration() {
        generation++;
    }

    @Override
    public void log(LogLine.Level level, String source, String message) {
        LogLine line = new LogLine(clock.instant(), level, source, message);
        log.add(line);
        listeners.forEach(l -> l.accept(line));
    }

    public void onLog(Consumer<LogLine> listener) {
        listeners.add(listener);
    }

    List<LogLine> logLines() {
        return List.copyOf(log);
    }
}
