package io.kraftwerk.agent.facts;

import io.kraftwerk.agent.exec.ProcessCommandRunner;
import io.kraftwerk.agent.exec.StreamCapture;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one executable of facts.d, bounded. The argument vector is the file's path alone (no shell),
 * standard input is {@code /dev/null}, the working directory {@code /}, and the environment a clean
 * one (a fixed PATH and the C.UTF-8 locale), so that {@code kw-agent facts} in an operator's shell
 * and the daemon under systemd see the same facts.
 *
 * <p>Unlike {@link ProcessCommandRunner}, which runs the agent's own commands, this one also bounds
 * the output ({@link StreamCapture}'s limit): a program that prints more than the limit is killed at
 * once rather than read into memory. One that runs past its time is killed with the processes it
 * started. One that exits but leaves its output open (a background process holding it) is given up
 * at the same deadline; the thread reading that output ends when the output is closed.
 */
final class FactsProgram {
    static final Map<String, String> ENVIRONMENT = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "LANG", "C.UTF-8",
            "LC_ALL", "C.UTF-8");
    private static final int STDERR_KEPT = 4096;
    private static final Pattern ERRNO = Pattern.compile("error=\\d+, (.*)");

    private FactsProgram() {
    }

    /** What the program printed, having exited 0 in time. */
    record Output(String stdout) {
    }

    /**
     * Runs {@code program} for at most {@code timeout}, reading at most {@code maxOutput} bytes of
     * its standard output.
     */
    static Output run(Path program, Duration timeout, int maxOutput) throws SourceException {
        ProcessBuilder builder = new ProcessBuilder(List.of(program.toString()))
                .directory(new File("/"))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(ENVIRONMENT);
        long deadline = System.nanoTime() + timeout.toNanos();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new SourceException("cannot be run: " + reason(e) + " (an executable script needs a first line such as"
                    + " #!/bin/sh; a data file needs the extension .json, .yaml, .yml or .txt)");
        }
        StreamCapture out = StreamCapture.start(process.getInputStream(), maxOutput,
                () -> ProcessCommandRunner.killWithDescendants(process), "kw-facts " + program + " stdout");
        StreamCapture err = StreamCapture.start(process.getErrorStream(), STDERR_KEPT, null, "kw-facts " + program + " stderr");
        try {
            boolean exited = process.waitFor(left(deadline), TimeUnit.NANOSECONDS);
            if (!exited && !out.overflowed()) {
                ProcessCommandRunner.killWithDescendants(process);
                throw new SourceException("timed out after " + seconds(timeout) + ": stopped with the processes it started"
                        + " (make it faster, or have it print facts it keeps in a file)");
            }
            if (!out.await(Duration.ofNanos(left(deadline)))) {
                throw new SourceException("exited, but its output stayed open past " + seconds(timeout) + ": a process it"
                        + " left running holds it (redirect that process's output, e.g. >/dev/null 2>&1)");
            }
            if (out.overflowed()) {
                throw new SourceException("printed more than " + CustomFacts.Limits.size(maxOutput) + ", the most read from one"
                        + " source: stopped, and its output is not used (keep bulky data out of facts)");
            }
            process.waitFor();
            err.await(Duration.ofMillis(100));
            if (process.exitValue() != 0) {
                String why = SourceException.shown(err.text());
                throw new SourceException("exited with status " + process.exitValue() + (why.isEmpty() ? "" : ": " + why)
                        + "; its output is not used (run it by hand to see why)");
            }
            return new Output(out.text());
        } catch (InterruptedException e) {
            ProcessCommandRunner.killWithDescendants(process);
            Thread.currentThread().interrupt();
            throw new SourceException("not finished: the agent was asked to stop");
        }
    }

    private static long left(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** "10 s", or "0.3 s" for the short timeouts of tests. */
    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** "Permission denied" from "Cannot run program "/x": error=13, Permission denied". */
    private static String reason(IOException e) {
        String message = String.valueOf(e.getMessage());
        Matcher m = ERRNO.matcher(message);
        return SourceException.shown(m.find() ? m.group(1) : message);
    }
}
