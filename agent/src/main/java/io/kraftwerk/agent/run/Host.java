package io.kraftwerk.agent.run;

import io.kraftwerk.agent.exec.CommandRunner;
import io.kraftwerk.agent.exec.ProcessCommandRunner;
import io.kraftwerk.agent.fs.FsOps;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * What a run works on and with: the clock, the root of the node's file system, and how it runs
 * commands. On a node that is {@link #local()}; a test hands in its own.
 *
 * @param clock       the time of log lines, reports, backups and certificate renewal
 * @param root        the file system root the providers and facts work under: {@code /} on a node
 * @param runner      runs the providers' commands
 * @param factsRunner runs the commands that gather facts (a short time limit: facts are quick)
 */
public record Host(Clock clock, Path root, CommandRunner runner, CommandRunner factsRunner) {

    /** This node: the system clock, {@code /}, and real processes (30 minutes at most, facts 10 seconds). */
    public static Host local() {
        return new Host(Clock.systemUTC(), Path.of("/"), new ProcessCommandRunner(Duration.ofMinutes(30)),
                new ProcessCommandRunner(Duration.ofSeconds(10)));
    }

    /** Writes of the agent's own files (state, reports, cached catalog), walked from {@link #root()}. */
    FsOps fs() {
        return new FsOps(root);
    }
}
