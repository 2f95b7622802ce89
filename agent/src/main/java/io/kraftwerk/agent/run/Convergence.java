package io.kraftwerk.agent.run;

import io.kraftwerk.agent.engine.AgentContext;
import io.kraftwerk.agent.engine.Engine;
import io.kraftwerk.agent.engine.RunOptions;
import io.kraftwerk.agent.provider.ArtifactSource;
import io.kraftwerk.agent.provider.DataRestorer;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.ProviderRegistry;
import io.kraftwerk.agent.report.HumanOutput;
import io.kraftwerk.agent.state.StateStore;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.CatalogSource;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.Report;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The part of apply and run that is the same: converge to a catalog, print, keep the report. */
final class Convergence {
    /** The source of the log lines about facts.d, as in "warning: facts: /etc/kraftwerk/facts.d/rack.yaml:3:7: …". */
    static final String FACTS_SOURCE = "facts";

    private final Host host;
    private final AgentPaths paths;
    private final Settings settings;

    Convergence(Host host, AgentPaths paths, Settings settings) {
        this.host = host;
        this.paths = paths;
        this.settings = settings;
    }

    /**
     * Plans and (unless noop) applies the catalog, printing to {@code human} as it goes.
     *
     * @param factsErrors what facts.d could not give this run (none for apply): warnings in the output and the report
     * @param artifacts   where the files of the artifact store the catalog pins come from
     * @param restorer    where a first deployment's restore_from dump comes from
     */
    Report converge(Catalog catalog, CatalogSource source, String sourceNote, List<String> factsErrors, ArtifactSource artifacts,
                    DataRestorer restorer, PrintStream human) {
        AgentContext context = new AgentContext(host.runner(), host.root(), paths.backups(), host.clock(), settings.serviceTimeout())
                .artifacts(artifacts).restorer(restorer).retryFailed(settings.retryFailed());
        HumanOutput output = new HumanOutput(human, HumanOutput.terminalHasColour());
        context.onLog(output::warning);
        factsErrors.forEach(e -> context.log(LogLine.Level.WARNING, FACTS_SOURCE, e));
        if (!sourceNote.isEmpty() && source == CatalogSource.CACHED) {
            context.log(LogLine.Level.WARNING, "agent", "using the cached catalog: " + sourceNote);
        }
        StateStore state = StateStore.load(paths.state(), w -> context.log(LogLine.Level.WARNING, "agent", w));
        Engine engine = new Engine(ProviderRegistry.standard(settings.serviceTimeout(), settings.dpkgLockTimeout(), paths.stateDir()), context,
                state, output);
        Report report = engine.run(catalog, new RunOptions(settings.noop(), source, sourceNote));
        output.summary(report);
        return report;
    }

    /** Keeps the latest report (noop too, root-only) and returns its bytes. */
    byte[] keep(Report report, PrintStream err) {
        byte[] json = ModelJson.writeBytes(report);
        try {
            Files.createDirectories(paths.lastReport().getParent());
            // the agent's own state: owned by whoever runs it (root as a service, a user for the quick start's noop)
            host.fs().writeAtomically(paths.lastReport(), json, null, null, "0600");
        } catch (Exception e) {
            err.println("kw-agent: cannot keep the report in " + paths.lastReport() + ": " + e.getMessage());
        }
        return json;
    }

    /** Writes the report where {@code --json} says, if it says: standard output, or a file only root can read. */
    void writeJson(byte[] json, PrintStream out) throws IOException, ProviderException {
        Path target = settings.json();
        if (target == null) {
            return;
        }
        if (settings.jsonToStandardOutput()) {
            out.write(json);
            out.flush();
        } else {
            host.fs().writeAtomically(target.toAbsolutePath(), json, null, null, "0600");
        }
    }

    /** Where what people read goes: standard error when standard output carries the report. */
    PrintStream human(PrintStream out, PrintStream err) {
        return settings.jsonToStandardOutput() ? err : out;
    }
}
