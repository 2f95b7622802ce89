package io.kraftwerk.agent.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessCommandRunnerTest {
    private final ProcessCommandRunner runner = new ProcessCommandRunner(Duration.ofSeconds(5));

    @Test
    void passesEachArgumentVerbatimWithoutAShell() throws Exception {
        CommandResult r = runner.run(List.of("/usr/bin/printf", "%s|", "a b", "$HOME", "; rm -rf /", "'q'"));
        assertEquals(0, r.exitCode());
        assertEquals("a b|$HOME|; rm -rf /|'q'|", r.stdout());
    }

    @Test
    void capturesStderrExitCodeAndStdin() throws Exception {
        CommandResult r = runner.run(List.of("/bin/sh", "-c", "cat; echo oops >&2; exit 3"), Map.of(),
                "input".getBytes(StandardCharsets.UTF_8));
        assertEquals(3, r.exitCode());
        assertEquals("input", r.stdout());
        assertEquals("oops\n", r.stderr());
        assertEquals("/bin/sh exited with 3: oops", r.describeFailure());
    }

    @Test
    void fixesTheLocaleAndAddsEnvironment() throws Exception {
        CommandResult r = runner.run(List.of("/usr/bin/env"), Map.of("KW_TEST", "1"), null);
        assertTrue(r.stdout().contains("LC_ALL=C.UTF-8\n"), r.stdout());
        assertTrue(r.stdout().contains("KW_TEST=1\n"), r.stdout());
    }

    @Test
    void killsACommandThatOverrunsItsTime() throws Exception {
        ProcessCommandRunner quick = new ProcessCommandRunner(Duration.ofMillis(300));
        CommandResult r = quick.run(List.of("/bin/sleep", "30"));
        assertEquals(124, r.exitCode());
        assertTrue(r.stderr().contains("killed by kw-agent"), r.stderr());
    }

    /**
     * The sleep keeps the command's output open for a minute after the command ended. Whether Java
     * drains the pipe when the command ends or the reader is left waiting depends on timing; either
     * way the run goes on (within the bound here, well under the sleep), with the output read.
     */
    @Test
    void aDaemonTheCommandLeftHoldingItsOutputDoesNotHoldTheRun() throws Exception {
        CommandResult r = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> runner.run(List.of("/bin/sh", "-c", "sleep 60 & echo $!")));
        long daemon = Long.parseLong(r.stdout().lines().findFirst().orElseThrow().strip());
        try {
            assertEquals(0, r.exitCode());
            assertTrue(r.stdout().equals(daemon + "\n")
                    || r.stdout().equals(daemon + "\n\n(output cut: a process it started still holds its output open)"), r.stdout());
        } finally {
            ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroy); // the sleep this test started
        }
    }
}
