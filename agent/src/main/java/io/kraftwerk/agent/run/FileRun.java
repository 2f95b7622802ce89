package io.kraftwerk.agent.run;

import io.kraftwerk.agent.client.ArtifactCache;
import io.kraftwerk.agent.provider.DataRestorer;
import io.kraftwerk.agent.engine.Engine;
import io.kraftwerk.agent.engine.RunLock;
import io.kraftwerk.model.ModelTypes;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.DocumentFormatException;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.CatalogSource;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.validation.ModelValidator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A masterless run, like {@code puppet apply}: converges the node to a catalog file. The catalog is
 * checked completely before anything is touched; an invalid one changes nothing.
 */
public final class FileRun {
    private final Host host;
    private final AgentPaths paths;
    private final Settings settings;

    public FileRun(Host host, AgentPaths paths, Settings settings) {
        this.host = host;
        this.paths = paths;
        this.settings = settings;
    }

    /** @return the run's exit status, or {@link Exit#NOT_RUN} (with the reason on {@code err}) */
    public int run(Path catalogFile, PrintStream out, PrintStream err) {
        // Validation metadata takes as long to build as the catalog takes to parse: do both at once.
        Thread warmUp = new Thread(() -> ModelValidator.get().warmUp(ModelTypes.CATALOG_RECORDS), "validator-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        Catalog catalog;
        try {
            catalog = ModelJson.readCatalog(Files.readAllBytes(catalogFile), catalogFile.toString());
        } catch (IOException e) {
            err.println("kw-agent apply: cannot read " + catalogFile + ": " + e.getMessage());
            return Exit.NOT_RUN;
        } catch (DocumentFormatException e) {
            e.problems().forEach(err::println);
            err.println("kw-agent apply: the catalog is not valid; nothing was changed");
            return Exit.NOT_RUN;
        }
        Convergence convergence = new Convergence(host, paths, settings);
        try (RunLock lock = RunLock.acquire(paths.lock(), settings.lockTimeout())) {
            // no master: artifacts an earlier run fetched, verified, and nothing else
            Report report = convergence.converge(catalog, CatalogSource.FILE, "", List.of(), new ArtifactCache(paths.artifacts()),
                    DataRestorer.NONE, convergence.human(out, err));
            byte[] json = convergence.keep(report, err);
            try {
                convergence.writeJson(json, out);
            } catch (Exception e) {
                err.println("kw-agent apply: cannot write the report: " + e.getMessage());
            }
            return Engine.exitCode(report);
        } catch (RunLock.BusyException | IOException e) {
            err.println("kw-agent apply: " + e.getMessage());
            return Exit.NOT_RUN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Exit.NOT_RUN;
        }
    }
}
