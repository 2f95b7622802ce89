package io.kraftwerk.agent.exec;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs programs with {@link ProcessBuilder}: argv as given, the locale fixed to C.UTF-8 so that
 * output the agent parses does not change with the operator's language, and a time limit after
 * which the process is killed.
 */
public final class ProcessCommandRunner implements CommandRunner {
    /** How long output may still come after the process has ended. */
    static final Duration OUTPUT_GRACE = Duration.ofSeconds(5);
    private final Duration timeout;

    public ProcessCommandRunner(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public CommandResult run(List<String> argv, Map<String, String> extraEnvironment, byte[] stdin) throws IOException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command (this is a Kraftwerk bug, please report it)");
        }
        ProcessBuilder builder = new ProcessBuilder(argv);
        builder.environment().put("LC_ALL", "C.UTF-8");
        builder.environment().put("LANG", "C.UTF-8");
        builder.environment().putAll(extraEnvironment);
        return run(builder, stdin, timeout);
    }

    @Override
    public CommandResult run(Invocation invocation) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(invocation.argv()).directory(invocation.directory().toFile());
        builder.environment().clear();
        builder.environment().putAll(invocation.environment());
        return run(builder, null, invocation.timeout());
    }

    private static CommandResult run(ProcessBuilder builder, byte[] stdin, Duration timeout) throws IOException {
        List<String> argv = builder.command();
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Process process = builder.start();
        StreamCapture out = StreamCapture.start(process.getInputStream(), Long.MAX_VALUE, null, "kw-output");
        StreamCapture err = StreamCapture.start(process.getErrorStream(), Long.MAX_VALUE, null, "kw-output");
        if (stdin != null) {
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            }
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killWithDescendants(process);
                process.waitFor();
                return new CommandResult(List.copyOf(argv), 124, text(out), text(err)
                        + "\n(killed by kw-agent after " + seconds(timeout) + ")");
            }
            return new CommandResult(List.copyOf(argv), process.exitValue(), text(out), text(err));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + argv.get(0), e);
        }
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    /**
     * What the process printed on one stream. Once it has ended, its output is waited for only
     * briefly: a process it started and left running may hold the stream open for ever, and must not
     * hold the agent's run with it.
     */
    private static String text(StreamCapture output) throws InterruptedException {
        if (output.await(OUTPUT_GRACE)) {
            return output.text();
        }
        output.close();
        return output.text() + "\n(output cut: a process it started still holds its output open)";
    }

    /** The process and what it started: its descendants are looked up before it dies and they are orphaned. */
    public static void killWithDescendants(Process process) {
        List<ProcessHandle> started = process.descendants().toList();
        process.destroyForcibly();
        started.forEach(ProcessHandle::destroyForcibly);
    }
}
