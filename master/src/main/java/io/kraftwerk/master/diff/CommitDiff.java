package io.kraftwerk.master.diff;

import io.kraftwerk.master.compile.ArtifactIndex;
import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.Facts;
import io.kraftwerk.master.compile.FleetSnapshot;
import io.kraftwerk.master.compile.SecretOpener;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.model.catalog.Catalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What a commit changes on a set of nodes: each compiled at both commits, with the same facts and
 * its own fleet per side, and the catalogs compared. Nodes are compiled in parallel (compiling is
 * pure: nothing is shared but the parsed sites and the openers, which are safe to share).
 */
public final class CommitDiff {
    private CommitDiff() {
    }

    /**
     * A node to compile.
     *
     * @param facts   its facts; null takes the site's fixture (offline)
     * @param trusted its certificate's trusted facts; null takes each site's fixture (offline)
     */
    public record Target(String node, Facts facts, Map<String, String> trusted) {
    }

    /** The inputs both sides share, and each side's fleet. */
    public record Inputs(String environment, ArtifactIndex artifacts, SecretOpener secrets, FleetSnapshot fleetBefore,
                         FleetSnapshot fleetAfter) {
    }

    /** @param threads compiles at once (one per core is as fast as it gets: compiling is CPU only) */
    public static DiffReport compute(Site before, Site after, List<Target> targets, Inputs inputs, int threads)
            throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, targets.size())), r -> {
            Thread t = new Thread(r, "commit-diff");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<DiffReport.NodeResult>> futures = new ArrayList<>(targets.size());
            for (Target target : targets) {
                futures.add(pool.submit(() -> node(before, after, target, inputs)));
            }
            List<DiffReport.NodeResult> results = new ArrayList<>(targets.size());
            for (Future<DiffReport.NodeResult> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    throw new IllegalStateException("comparing a node's catalogs failed: " + e.getCause(), e.getCause());
                }
            }
            results.sort((a, b) -> a.node().compareTo(b.node()));
            return new DiffReport(before.version(), after.version(), results);
        } finally {
            pool.shutdownNow();
        }
    }

    private static DiffReport.NodeResult node(Site before, Site after, Target target, Inputs inputs) {
        Outcome was = compile(before, target, inputs, inputs.fleetBefore());
        Outcome is = compile(after, target, inputs, inputs.fleetAfter());
        return new DiffReport.NodeResult(target.node(), is.catalog != null ? is.catalog.environment() : inputs.environment(),
                was.catalog != null && is.catalog != null ? CatalogDiff.between(was.catalog, is.catalog) : null,
                was.errors, is.errors);
    }

    private record Outcome(Catalog catalog, List<String> errors) {
    }

    private static Outcome compile(Site site, Target target, Inputs inputs, FleetSnapshot fleet) {
        try {
            return new Outcome(CatalogCompiler.compile(site, new CompileRequest(target.node(), target.facts(), inputs.environment(),
                    target.trusted() != null ? target.trusted() : site.trustedFixture(target.node()), inputs.artifacts(), inputs.secrets(), fleet)), List.of());
        } catch (ManifestException e) {
            return new Outcome(null, e.diagnostics().stream().map(Diagnostic::toString).toList());
        }
    }
}
