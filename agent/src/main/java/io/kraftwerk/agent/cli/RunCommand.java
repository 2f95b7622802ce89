package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.client.CatalogCache;
import io.kraftwerk.agent.client.CatalogFetcher;
import io.kraftwerk.agent.client.MasterClient;
import io.kraftwerk.agent.client.Renewal;
import io.kraftwerk.agent.client.ReportQueue;
import io.kraftwerk.agent.client.SslFiles;
import io.kraftwerk.agent.client.Tls;
import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.engine.Engine;
import io.kraftwerk.agent.engine.RunLock;
import io.kraftwerk.agent.engine.RunOptions;
import io.kraftwerk.agent.facts.NodeFacts;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Report;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * {@code kw-agent run}: one pull run now, like {@code puppet agent -t}: send facts, get the catalog
 * (or keep the cached one when the master cannot give one), converge, report.
 */
final class RunCommand {
    static final Set<String> FLAGS = Set.of("--noop", "-n", "--help", "-h");
    static final Set<String> VALUES = Set.of("--environment", "--config", "--json", "--lock-timeout", "--service-timeout",
            "--master-timeout");

    /** The settings of a run. */
    record Settings(boolean noop, String environment, Path json, Duration lockTimeout, Duration serviceTimeout,
                    Duration masterTimeout, MasterClient.Retry retry) {
    }

    private RunCommand() {
    }

    static String usage() {
        return """
                Usage: kw-agent run [--noop] [--environment ENV] [--config FILE] [--json REPORT.json|-]
                                    [--lock-timeout S] [--service-timeout S] [--master-timeout S]

                One run now: send facts to the master, fetch this node's catalog over mutual TLS (or use the
                cached one when the master cannot give one; the report says so), converge, send the report
                (queued on disk until the master takes it).
                  --noop          change nothing; the cached catalog and the drift state are left alone
                  --environment   ask for another environment (the manifests must allow it)
                  --config FILE   default /etc/kraftwerk/agent.yaml (written by kw-agent bootstrap)

                Exit status: as kw-agent apply; 1 also when there is no catalog at all.
                """;
    }

    static int run(List<String> argv, PrintStream out, PrintStream err) {
        Args args;
        try {
            args = Args.parse(argv, FLAGS, VALUES);
            if (!args.positional.isEmpty()) {
                throw new IllegalArgumentException("unexpected argument '" + args.positional.get(0) + "'");
            }
        } catch (IllegalArgumentException e) {
            err.println("kw-agent run: " + e.getMessage());
            err.print(usage());
            return KwAgent.EXIT_USAGE;
        }
        if (args.flag("--help") || args.flag("-h")) {
            out.print(usage());
            return 0;
        }
        AgentConfig config;
        try {
            config = AgentConfig.load(args.path("--config", AgentConfig.DEFAULT_FILE));
        } catch (AgentConfig.ConfigException e) {
            err.println("kw-agent run: " + e.getMessage());
            return ApplyCommand.EXIT_NOT_RUN;
        }
        Settings settings = settings(args, config);
        AgentPaths paths = new AgentPaths(config.stateDir());
        try (RunLock lock = RunLock.acquire(paths.lock(), settings.lockTimeout())) {
            return once(config, settings, out, err);
        } catch (RunLock.BusyException e) {
            err.println("kw-agent run: " + e.getMessage());
            return ApplyCommand.EXIT_NOT_RUN;
        } catch (Exception e) {
            err.println("kw-agent run: " + e.getMessage());
            return ApplyCommand.EXIT_NOT_RUN;
        }
    }

    static Settings settings(Args args, AgentConfig config) {
        return new Settings(args.flag("--noop") || args.flag("-n"), args.value("--environment", config.environment()),
                args.path("--json", null), args.seconds("--lock-timeout", Duration.ofSeconds(300)),
                args.seconds("--service-timeout", Duration.ofSeconds(60)), args.seconds("--master-timeout", Duration.ofSeconds(60)),
                MasterClient.Retry.standard());
    }

    /** One run, the lock held by the caller. */
    static int once(AgentConfig config, Settings settings, PrintStream out, PrintStream err) throws Exception {
        AgentPaths paths = new AgentPaths(config.stateDir());
        SslFiles ssl = SslFiles.in(config.stateDir());
        if (!Files.exists(ssl.certificate())) {
            err.println("kw-agent run: this node has no certificate yet: run 'kw-agent bootstrap --server URL --certname NAME'");
            return ApplyCommand.EXIT_NOT_RUN;
        }
        MasterClient client = new MasterClient(config.server(), Tls.context(ssl.ca(), ssl.certificate(), ssl.key()),
                settings.masterTimeout(), settings.retry());
        NodeFacts facts = NodeFacts.of(Path.of("/"));
        CatalogCache cache = new CatalogCache(config.stateDir());
        CatalogFetcher.Fetched fetched = CatalogFetcher.fetch(client, config.certname(), ModelJson.writeBytes(facts.values()),
                settings.environment(), cache);
        fetched.errors().forEach(e -> err.println("  " + e));
        if (fetched.catalog() == null) {
            facts.errors().forEach(e -> err.println("warning: " + Convergence.FACTS_SOURCE + ": " + e));
            err.println("kw-agent run: no catalog to apply: " + fetched.note() + "; and there is no cached catalog yet");
            return ApplyCommand.EXIT_NOT_RUN;
        }
        Report report = Convergence.converge(fetched.catalog(), paths,
                new RunOptions(settings.noop(), fetched.source(), fetched.note()), facts.errors(), settings.serviceTimeout(),
                config.dpkgLockTimeout(), out);
        if (!settings.noop() && fetched.json() != null) {
            cache.save(fetched.json(), fetched.etag(), Convergence.fs());
        }
        byte[] json = Convergence.keepReport(report, paths, err);
        if (settings.json() != null) {
            Convergence.fs().writeAtomically(settings.json(), json, null, null, "0600");
        }
        ReportQueue queue = new ReportQueue(config.stateDir());
        queue.add(DateTimeFormatter.ISO_INSTANT.format(report.start()).replace(":", "") + "-" + report.runId(), json, Convergence.fs());
        ReportQueue.Flush flush = queue.flush(client, config.certname());
        if (flush.problem() != null) {
            out.println("report queued (" + flush.waiting() + " waiting in " + config.stateDir().resolve("reports/queue")
                    + "): " + flush.problem());
        } else if (flush.rejected() > 0) {
            out.println("the master refused " + flush.rejected() + " report(s); see " + config.stateDir().resolve("reports/rejected"));
        }
        String renewal = Renewal.renewIfDue(client, ssl, config.certname(), Clock.systemUTC());
        if (renewal != null) {
            out.println(renewal);
        }
        return Engine.exitCode(report);
    }
}
