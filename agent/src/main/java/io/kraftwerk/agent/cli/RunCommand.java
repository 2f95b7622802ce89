package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.run.Exit;
import io.kraftwerk.agent.run.Host;
import io.kraftwerk.agent.run.PullRun;
import io.kraftwerk.agent.run.Settings;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code kw-agent run}: one pull run now, like {@code puppet agent -t}: send facts, get the catalog
 * (or keep the cached one when the master cannot give one), converge, report ({@link PullRun}).
 */
final class RunCommand {
    static final Set<String> VALUES = Set.of("--environment", "--config", "--json", "--lock-timeout", "--service-timeout",
            "--master-timeout");

    private RunCommand() {
    }

    static String usage() {
        return """
                Usage: kw-agent run [--noop] [--retry-failed] [--environment ENV] [--config FILE] [--json REPORT.json|-]
                                    [--lock-timeout S] [--service-timeout S] [--master-timeout S]

                One run now: send facts to the master, fetch this node's catalog over mutual TLS (or use the
                cached one when the master cannot give one; the report says so), converge, send the report
                (queued on disk until the master takes it).
                  --noop          change nothing; the cached catalog and the drift state are left alone
                  --retry-failed  build and try again app releases that failed before (else a failed
                                  release is retried only when the manifest's release changes)
                  --environment   ask for another environment (the manifests must allow it)
                  --config FILE   default /etc/kraftwerk/agent.yaml (written by kw-agent bootstrap)

                Exit status: as kw-agent apply; 1 also when there is no catalog at all.
                """;
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args;
        Settings given;
        try {
            args = Args.parse(argv, Args.RUN_FLAGS, VALUES);
            if (args.help()) {
                out.print(usage());
                return 0;
            }
            given = args.settings(null, null);
            if (!args.positional.isEmpty()) {
                throw new IllegalArgumentException("unexpected argument '" + args.positional.get(0) + "'");
            }
        } catch (IllegalArgumentException e) {
            err.println("kw-agent run: " + e.getMessage());
            err.print(usage());
            return KwAgent.EXIT_USAGE;
        }
        AgentConfig config;
        try {
            config = AgentConfig.load(args.path("--config", AgentConfig.DEFAULT_FILE));
        } catch (AgentConfig.ConfigException e) {
            err.println("kw-agent run: " + e.getMessage());
            return Exit.NOT_RUN;
        }
        return new PullRun(Host.local(), config, given.withConfig(config)).run(out, err);
    }
}
