package io.kraftwerk.agent.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code kw-agent daemon} as the JVM sees it: only its usage. The daemon itself is the launcher's
 * scheduler ({@code kw-agent-daemon}, a POSIX shell script, as cf-execd is CFEngine's scheduler):
 * between runs a shell and a sleep stay resident (about 2 MiB), where a JVM held 58 MiB before its
 * first run and 85-89 MiB, still rising, after a few (issue 17). Each run is a fresh
 * {@code kw-agent run}, so nothing a run allocates outlives it.
 */
final class DaemonCommand {
    private DaemonCommand() {
    }

    static String usage() {
        return """
                Usage: kw-agent daemon [--config FILE] [--service-timeout S] [--master-timeout S]

                Runs 'kw-agent run' every run_interval (agent.yaml, default 30m), each node at its own offset
                within the interval (derived from its certname; kw-agent schedule prints it). Every run is a new
                process; between runs only a small scheduler stays resident. agent.yaml is read again before
                each sleep, so a changed run_interval applies from the run after the one it waits for. SIGTERM
                stops it at once while it waits, and after the run in progress otherwise.
                """;
    }

    static final Set<String> VALUES = Set.of("--config", "--service-timeout", "--master-timeout");

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        try {
            if (Args.parse(argv, Args.HELP, VALUES).help()) {
                out.print(usage());
                return 0;
            }
        } catch (IllegalArgumentException e) {
            err.println("kw-agent daemon: " + e.getMessage());
            return KwAgent.EXIT_USAGE;
        }
        err.println("kw-agent daemon: start the daemon with the kw-agent launcher ('kw-agent daemon', e.g. /usr/bin/kw-agent):"
                + " it is the launcher's small scheduler that starts a new 'kw-agent run' for every run, so that no JVM"
                + " stays resident between runs");
        return KwAgent.EXIT_USAGE;
    }
}
