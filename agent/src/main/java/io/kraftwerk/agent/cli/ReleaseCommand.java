package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.run.AgentPaths;
import io.kraftwerk.agent.run.Host;
import io.kraftwerk.agent.run.ReleaseCommands;
import io.kraftwerk.agent.run.Settings;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** {@code kw-agent releases APP} and {@code kw-agent rollback APP [--to ID]} ({@link ReleaseCommands}). */
final class ReleaseCommand {
    static final Set<String> VALUES = Set.of("--to", "--state-dir", "--lock-timeout", "--service-timeout");

    private ReleaseCommand() {
    }

    static String usage(String command) {
        return command.equals("releases") ? """
                Usage: kw-agent releases APP [--state-dir DIR]

                The releases of a wsgi_app this node keeps, newest first: live, previous (kept for rollback),
                built, or failed (with why), and which one kw-agent rollback pinned.
                """ : """
                Usage: kw-agent rollback APP [--to RELEASE] [--state-dir DIR] [--lock-timeout S] [--service-timeout S]

                Switches APP back to a kept release (default: the one that served before the live one) through
                the same health gate as a deployment: its services start, its health check must pass, then
                ROOT/current points at it and the live release stops gracefully (kept). The release stays
                pinned: runs report the manifest's release as drift and do not deploy it until the manifest's
                release changes.
                  --to RELEASE   a release id, or a unique start of one (kw-agent releases APP lists them)
                """;
    }

    static int run(String command, List<String> argv, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = Args.parse(argv, Args.HELP, VALUES);
            if (args.help()) {
                out.print(usage(command));
                return 0;
            }
            if (args.positional.size() != 1) {
                throw new IllegalArgumentException(args.positional.isEmpty() ? "missing the app's name"
                        : "one app at a time, got " + args.positional.size());
            }
            if (command.equals("releases") && args.value("--to", null) != null) {
                throw new IllegalArgumentException("--to is for kw-agent rollback");
            }
        } catch (IllegalArgumentException e) {
            err.println("kw-agent " + command + ": " + e.getMessage());
            err.print(usage(command));
            return KwAgent.EXIT_USAGE;
        }
        ReleaseCommands releases = new ReleaseCommands(Host.local(),
                new AgentPaths(args.path("--state-dir", AgentConfig.DEFAULT_STATE_DIR)));
        String app = args.positional.get(0);
        if (command.equals("releases")) {
            return releases.list(app, out, err);
        }
        Duration lock = args.seconds("--lock-timeout", Settings.LOCK_TIMEOUT);
        Duration service = args.seconds("--service-timeout", Settings.SERVICE_TIMEOUT);
        return releases.rollback(app, args.value("--to", null), lock, service, out, err);
    }
}
