package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.run.Daemon;
import io.kraftwerk.agent.run.Exit;
import io.kraftwerk.agent.run.Host;
import io.kraftwerk.agent.run.Settings;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code kw-agent daemon}: a run every interval, each node in its own slot ({@link Daemon}).
 * SIGTERM lets a run in progress finish.
 */
final class DaemonCommand {
    private DaemonCommand() {
    }

    static String usage() {
        return """
                Usage: kw-agent daemon [--config FILE] [--service-timeout S] [--master-timeout S]

                Runs 'kw-agent run' every run_interval (agent.yaml, default 30m), each node at its own offset
                within the interval (derived from its certname). Stops after the current run on SIGTERM.
                """;
    }

    /** The options that take a value. */
    static final Set<String> VALUES = Set.of("--config", "--service-timeout", "--master-timeout");

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Settings given;
        AgentConfig config;
        try {
            Args args = Args.parse(argv, Args.HELP, VALUES);
            if (args.help()) {
                out.print(usage());
                return 0;
            }
            given = args.settings(null, null);
            config = AgentConfig.load(args.path("--config", AgentConfig.DEFAULT_FILE));
        } catch (IllegalArgumentException e) {
            err.println("kw-agent daemon: " + e.getMessage());
            return KwAgent.EXIT_USAGE;
        } catch (AgentConfig.ConfigException e) {
            err.println("kw-agent daemon: " + e.getMessage());
            return Exit.NOT_RUN;
        }
        return new Daemon(Host.local(), config, given.withConfig(config)).run(out, err);
    }
}
