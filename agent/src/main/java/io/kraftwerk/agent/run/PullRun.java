package io.kraftwerk.agent.run;

import io.kraftwerk.agent.client.ArtifactCache;
import io.kraftwerk.agent.client.CatalogCache;
import io.kraftwerk.agent.client.CatalogFetcher;
import io.kraftwerk.agent.client.MasterArtifacts;
import io.kraftwerk.agent.client.MasterClient;
import io.kraftwerk.agent.client.MasterDumps;
import io.kraftwerk.agent.client.Renewal;
import io.kraftwerk.agent.client.ReportQueue;
import io.kraftwerk.agent.client.SslFiles;
import io.kraftwerk.agent.client.Tls;
import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.engine.Engine;
import io.kraftwerk.agent.engine.RunLock;
import io.kraftwerk.agent.facts.NodeFacts;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Report;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.format.DateTimeFormatter;

/**
 * One run against the master, like {@code puppet agent -t}: send the facts, get the catalog (or
 * keep the cached one when the master cannot give one, and say why), converge, keep and queue the
 * report, send the queue, and renew the node's certificate when it is due.
 */
public final class PullRun {
    private final Host host;
    private final AgentConfig config;
    private final Settings settings;
    private final AgentPaths paths;

    public PullRun(Host host, AgentConfig config, Settings settings) {
        this.host = host;
        this.config = config;
        this.settings = settings;
        this.paths = new AgentPaths(config.stateDir());
    }

    /** Takes the run lock and runs once. @return the run's exit status, or {@link Exit#NOT_RUN} with the reason on {@code err} */
    public int run(PrintStream out, PrintStream err) {
        try (RunLock lock = lock()) {
            return once(out, err);
        } catch (Exception e) {
            err.println("kw-agent run: " + e.getMessage());
            return Exit.NOT_RUN;
        }
    }

    RunLock lock() throws Exception {
        return RunLock.acquire(paths.lock(), settings.lockTimeout());
    }

    /** One run, the lock held by the caller. */
    public int once(PrintStream out, PrintStream err) throws Exception {
        SslFiles ssl = SslFiles.in(config.stateDir());
        if (!Files.exists(ssl.certificate())) {
            err.println("kw-agent run: this node has no certificate yet: run 'kw-agent bootstrap --server URL --certname NAME'");
            return Exit.NOT_RUN;
        }
        MasterClient client = new MasterClient(config.server(), Tls.context(ssl.ca(), ssl.certificate(), ssl.key()),
                settings.masterTimeout(), settings.retry());
        NodeFacts facts = NodeFacts.of(host.root(), host.factsRunner());
        CatalogCache cache = new CatalogCache(config.stateDir());
        CatalogFetcher.Fetched fetched = CatalogFetcher.fetch(client, config.certname(), ModelJson.writeBytes(facts.values()),
                settings.environment(), cache);
        fetched.errors().forEach(e -> err.println("  " + e));
        if (fetched.catalog() == null) {
            facts.errors().forEach(e -> err.println("warning: " + Convergence.FACTS_SOURCE + ": " + e));
            err.println("kw-agent run: no catalog to apply: " + fetched.note() + "; and there is no cached catalog yet");
            return Exit.NOT_RUN;
        }
        Convergence convergence = new Convergence(host, paths, settings);
        PrintStream human = convergence.human(out, err);
        MasterArtifacts artifacts = new MasterArtifacts(new ArtifactCache(paths.artifacts()), client, config.certname());
        MasterRestorer restorer = new MasterRestorer(new MasterDumps(client, config.certname()), fetched.catalog(), paths);
        Report report = convergence.converge(fetched.catalog(), fetched.source(), fetched.note(), facts.errors(), artifacts, restorer,
                human);
        if (!settings.noop() && fetched.json() != null) {
            cache.save(fetched.json(), fetched.etag(), host.fs());
        }
        byte[] json = convergence.keep(report, err);
        try {
            convergence.writeJson(json, out);
        } catch (Exception e) {
            // the run has happened: its report still goes to the master, as apply's still gets its exit code
            err.println("kw-agent run: cannot write the report: " + e.getMessage());
        }
        send(client, report, json, human);
        String renewal = Renewal.renewIfDue(client, ssl, config.certname(), host.clock());
        if (renewal != null) {
            human.println(renewal);
        }
        return Engine.exitCode(report);
    }

    /** Queues the report on disk, then sends the queue oldest first. */
    private void send(MasterClient client, Report report, byte[] json, PrintStream human) throws Exception {
        ReportQueue queue = new ReportQueue(config.stateDir());
        queue.add(DateTimeFormatter.ISO_INSTANT.format(report.start()).replace(":", "") + "-" + report.runId(), json, host.fs());
        ReportQueue.Flush flush = queue.flush(client, config.certname());
        if (flush.problem() != null) {
            human.println("report queued (" + flush.waiting() + " waiting in " + config.stateDir().resolve("reports/queue")
                    + "): " + flush.problem());
        } else if (flush.rejected() > 0) {
            human.println("the master refused " + flush.rejected() + " report(s); see " + config.stateDir().resolve("reports/rejected"));
        }
    }
}
