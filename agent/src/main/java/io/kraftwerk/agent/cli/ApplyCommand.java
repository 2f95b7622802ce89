package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.run.AgentPaths;
import io.kraftwerk.agent.run.FileRun;
import io.kraftwerk.agent.run.Host;
import io.kraftwerk.agent.run.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code kw-agent apply CATALOG.json [--noop] [--json REPORT.json]}: converges this node to a catalog
 * file, masterless, like {@code puppet apply} ({@link FileRun}).
 */
final class ApplyCommand {
    static final Set<String> VALUES = Set.of("--json", "--state-dir", "--lock-timeout", "--service-timeout",
            "--dpkg-lock-timeout");

    private ApplyCommand() {
    }

    static String usage() {
        return """
                Usage: kw-agent apply CATALOG.json [--noop] [--retry-failed] [--json REPORT.json] [--state-dir DIR]
                                      [--lock-timeout SECONDS] [--service-timeout SECONDS]
                                      [--dpkg-lock-timeout SECONDS]

                Converges this node to the catalog (as 'kw-master compile' writes it).
                  --noop              change nothing: print and report what would change
                  --retry-failed      build and try again app releases that failed before
                  --json FILE         also write the run's report to FILE ('-' for standard output)
                  --state-dir DIR     drift state, lock, backups and reports (default /var/lib/kraftwerk)
                  --lock-timeout S    wait this long for another run to finish (default 300)
                  --service-timeout S wait this long for services and health checks (default 60)
                  --dpkg-lock-timeout S  wait this long for another apt or dpkg to let go of the dpkg lock
                                      (default 300; kw-agent run takes dpkg_lock_timeout from agent.yaml)

                Exit status: 0 nothing to change, 2 changes made (with --noop: changes pending),
                4 failures, 6 changes and failures, 1 the run could not start, 64 wrong usage.
                """;
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args;
        Settings settings;
        try {
            args = Args.parse(argv, Args.RUN_FLAGS, VALUES);
            if (args.help()) {
                out.print(usage());
                return 0;
            }
            settings = args.settings(null, AgentConfig.DEFAULT_DPKG_LOCK_TIMEOUT);
            if (args.positional.size() != 1) {
                throw new IllegalArgumentException(args.positional.isEmpty() ? "missing the catalog file"
                        : "one catalog file at a time, got " + args.positional.size());
            }
        } catch (IllegalArgumentException e) {
            err.println("kw-agent apply: " + e.getMessage());
            err.print(usage());
            return KwAgent.EXIT_USAGE;
        }
        AgentPaths paths = new AgentPaths(args.path("--state-dir", AgentConfig.DEFAULT_STATE_DIR));
        return new FileRun(Host.local(), paths, settings).run(Path.of(args.positional.get(0)), out, err);
    }
}
