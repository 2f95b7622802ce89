package io.kraftwerk.agent.cli;

import io.kraftwerk.agent.engine.AgentContext;
import io.kraftwerk.agent.engine.Engine;
import io.kraftwerk.agent.engine.RunOptions;
import io.kraftwerk.agent.exec.ProcessCommandRunner;
import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.agent.provider.ProviderRegistry;
import io.kraftwerk.agent.report.HumanOutput;
import io.kraftwerk.agent.state.StateStore;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.CatalogSource;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.Report;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The part of apply and run that is the same: converge to a catalog, print, keep the report. */
final class Convergence {
    /** The source of the log lines about facts.d, as in "warning: facts: /etc/kraftwerk/facts.d/rack.yaml:3:7: …". */
    static final String FACTS_SOURCE = "facts";

    private Convergence() {
    }

    /**
     * Converges to {@code catalog}, printing to {@code human}.
     *
     * @param factsErrors what facts.d could not give this run (none for apply): warnings in the output and the report
     */
    static Report converge(Catalog catalog, AgentPaths paths, RunOptions options, List<String> factsErrors, Duration serviceTimeout,
                           Duration dpkgLockTimeout, PrintStream human) {
        ProcessCommandRunner runner = new ProcessCommandRunner(Duration.ofMinutes(30));
        AgentContext context = new AgentContext(runner, Path.of("/"), paths.backups(), Clock.systemUTC(), serviceTimeout);
        HumanOutput output = new HumanOutput(human, HumanOutput.terminalHasColour());
        context.onLog(output::warning);
        factsErrors.forEach(e -> context.log(LogLine.Level.WARNING, FACTS_SOURCE, e));
        if (!options.catalogSourceNote().isEmpty() && options.catalogSource() == CatalogSource.CACHED) {
            context.log(LogLine.Level.WARNING, "agent", "using the cached catalog: " + options.catalogSourceNote());
        }
        StateStore state = StateStore.load(paths.state(), w -> context.log(LogLine.Level.WARNING, "agent", w));
        Engine engine = new Engine(ProviderRegistry.standard(serviceTimeout, dpkgLockTimeout), context, state, output);
        Report report = engine.run(catalog, options);
        output.summary(report);
        return report;
    }

    /** The latest report, always (noop too), root-only. */
    static byte[] keepReport(Report report, AgentPaths paths, PrintStream err) {
        byte[] json = ModelJson.writeBytes(report);
        try {
            Files.createDirectories(paths.lastReport().getParent());
            // the agent's own state: owned by whoever runs it (root as a service, a user for the quick start's noop)
            fs().writeAtomically(paths.lastReport(), json, null, null, "0600");
        } catch (Exception e) {
            err.println("kw-agent: cannot keep the report in " + paths.lastReport() + ": " + e.getMessage());
        }
        return json;
    }

    static FsOps fs() {
        return new FsOps(Path.of("/"));
    }
}
