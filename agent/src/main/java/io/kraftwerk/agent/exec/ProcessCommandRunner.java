package io.kraftwerk.agent.exec;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs programs with {@link ProcessBuilder}: argv as given, the locale fixed to C.UTF-8 so that
 * output the agent parses does not change with the operator's language, and a time limit after
 * which the process is killed.
 */
public final class ProcessCommandRunner implements CommandRunner {
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
        CompletableFuture<byte[]> out = drain(process.getInputStream());
        CompletableFuture<byte[]> err = drain(process.getErrorStream());
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

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                ByteArrayOutputStream buffer = new ByteArrayOutputStream();
                stream.transferTo(buffer);
                return buffer.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static String text(CompletableFuture<byte[]> bytes) {
        return new String(bytes.join(), StandardCharsets.UTF_8);
    }
}
