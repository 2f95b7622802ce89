package io.kraftwerk.agent.provider;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.exec.CommandRunner;
import io.kraftwerk.agent.exec.Invocation;
import io.kraftwerk.agent.fs.BackupStore;
import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.model.report.LogLine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A provider context whose runner records every argv and answers from a script: the first
 * scripted prefix that the argv starts with gives the result; anything else succeeds silently.
 */
public final class RecordingContext implements ProviderContext, CommandRunner {
    public final List<List<String>> commands = new ArrayList<>();
    public final List<Map<String, String>> environments = new ArrayList<>();
    public final List<String> log = new ArrayList<>();
    public final List<Invocation> invocations = new ArrayList<>();
    private final Map<List<String>, CommandResult> script = new LinkedHashMap<>();
    private final List<CommandResult> once = new ArrayList<>();
    private final Path root;
    private final FsOps fs;
    private long generation;

    public RecordingContext(Path root) {
        this.root = root;
        this.fs = new FsOps(root);
    }

    public RecordingContext answer(List<String> prefix, int exit, String stdout, String stderr) {
        script.put(prefix, new CommandResult(prefix, exit, stdout, stderr));
        return this;
    }

    /** Like {@link #answer}, for the next matching command only; answers given once go first, in order. */
    public RecordingContext answerOnce(List<String> prefix, int exit, String stdout, String stderr) {
        once.add(new CommandResult(prefix, exit, stdout, stderr));
        return this;
    }

    public void bump() {
        generation++;
    }

    @Override
    public CommandResult run(List<String> argv, Map<String, String> env, byte[] stdin) {
        commands.add(List.copyOf(argv));
        environments.add(Map.copyOf(env));
        for (CommandResult r : once) {
            if (argv.size() >= r.argv().size() && argv.subList(0, r.argv().size()).equals(r.argv())) {
                once.remove(r);
                return new CommandResult(argv, r.exitCode(), r.stdout(), r.stderr());
            }
        }
        for (Map.Entry<List<String>, CommandResult> e : script.entrySet()) {
            if (argv.size() >= e.getKey().size() && argv.subList(0, e.getKey().size()).equals(e.getKey())) {
                CommandResult r = e.getValue();
                return new CommandResult(argv, r.exitCode(), r.stdout(), r.stderr());
            }
        }
        return new CommandResult(argv, 0, "", "");
    }

    /** Recorded in {@link #invocations}, and like any other command in {@link #commands}, answered from the script. */
    @Override
    public CommandResult run(Invocation invocation) {
        invocations.add(invocation);
        return run(invocation.argv(), Map.of(), null);
    }

    @Override
    public CommandRunner runner() {
        return this;
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public BackupStore backups() {
        return new BackupStore(root.resolve("var/lib/kraftwerk/backup"), Clock.systemUTC(), fs);
    }

    @Override
    public FsOps fs() {
        return fs;
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public Duration serviceTimeout() {
        return Duration.ofSeconds(1);
    }

    @Override
    public long generation() {
        return generation;
    }

    @Override
    public void log(LogLine.Level level, String source, String message) {
        log.add(level + " " + source + ": " + message);
    }
}
