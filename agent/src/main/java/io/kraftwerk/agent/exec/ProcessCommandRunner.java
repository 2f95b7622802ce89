package io.kraftwerk.agent.exec;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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
        Output out = new Output(process.getInputStream());
        Output err = new Output(process.getErrorStream());
        if (stdin != null) {
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            }
        }
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor();
                return new CommandResult(List.copyOf(argv), 124, out.text(), err.text()
                        + "\n(killed by kw-agent after " + seconds(timeout) + ")");
            }
            return new CommandResult(List.copyOf(argv), process.exitValue(), out.text(), err.text());
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
     * One output stream of a process, read on its own thread into a buffer. Once the process has
     * ended, its output is waited for only briefly: a process it started and left running (a daemon)
     * may hold the stream open for ever, and must not hold the agent's run with it.
     */
    private static final class Output {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final CountDownLatch done = new CountDownLatch(1);
        private final InputStream stream;

        Output(InputStream stream) {
            this.stream = stream;
            Thread reader = new Thread(this::read, "kw-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            byte[] chunk = new byte[8192];
            try (stream) {
                for (int n = stream.read(chunk); n > 0; n = stream.read(chunk)) {
                    synchronized (buffer) {
                        buffer.write(chunk, 0, n);
                    }
                }
            } catch (IOException e) {
                // closed by text() after the grace period: what was read so far stands
            } finally {
                done.countDown();
            }
        }

        String text() throws InterruptedException {
            String cut = "";
            if (!done.await(OUTPUT_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    stream.close();
                } catch (IOException e) {
                    // nothing more to read either way
                }
                cut = "\n(output cut: a process it started still holds its output open)";
            }
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8) + cut;
            }
        }
    }
}
