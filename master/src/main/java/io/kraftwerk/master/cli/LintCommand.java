package io.kraftwerk.master.cli;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.compile.ArtifactIndex;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.FleetSnapshot;
import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.compile.UnresolvedArtifacts;
import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.secrets.CheckingOpener;
import io.kraftwerk.master.secrets.SecretsException;
import io.kraftwerk.model.catalog.Catalog;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kw-master lint}: compiles every node the manifests declare (named in a rule or given a
 * facts fixture) and prints every error once, with the nodes it affects. It needs no private key:
 * encrypted values are checked for their form and key id only, and compile as {@code [sensitive]}.
 */
@Command(name = "lint", mixinStandardHelpOptions = true,
        description = "Compile every node the manifests declare and report every error.")
final class LintCommand implements Callable<Integer> {
    @Mixin
    ManifestSource source;

    @Mixin
    ArtifactsOption artifacts;

    @Mixin
    FleetOption fleetOption;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Site site;
        try {
            site = SiteParser.parse(source.load());
        } catch (ManifestException e) {
            Output.errors(err, e.diagnostics(), "no node compiled");
            return KwMaster.EXIT_MANIFEST_ERRORS;
        }
        Output.warnings(err, site.warnings());
        List<String> nodes = site.declaredNodes();
        if (nodes.isEmpty() && !site.problems().isEmpty()) {
            Output.errors(err, site.problems(), "no node compiled");
            return KwMaster.EXIT_MANIFEST_ERRORS;
        }
        if (nodes.isEmpty()) {
            err.println("kw-master: the manifests declare no node to lint (add a '- name: NODE' rule to site.yaml, "
                    + "or a facts fixture facts/NODE.json)");
            err.flush();
            return KwMaster.EXIT_MANIFEST_ERRORS;
        }
        UnresolvedArtifacts unresolved = new UnresolvedArtifacts();
        ArtifactIndex index;
        try {
            index = artifacts.given() ? artifacts.index() : unresolved;
        } catch (ArtifactException e) {
            err.println("kw-master lint: " + e.getMessage());
            err.flush();
            return KwMaster.EXIT_USAGE;
        }
        CheckingOpener secrets;
        try {
            secrets = CheckingOpener.forSite(site.files().file(CheckingOpener.SITE_KEYS));
        } catch (SecretsException e) {
            err.println("kw-master lint: " + e.getMessage());
            err.flush();
            return KwMaster.EXIT_MANIFEST_ERRORS;
        }
        FleetSnapshot fleet;
        try {
            fleet = fleetOption.snapshot(site);
        } catch (ManifestException e) {
            Output.errors(err, e.diagnostics(), "no node compiled");
            return KwMaster.EXIT_USAGE;
        }
        Map<Diagnostic, TreeSet<String>> errors = new TreeMap<>();
        for (String node : nodes) {
            try {
                Catalog catalog = CatalogCompiler.compile(site, new CompileRequest(node, null, null, site.trustedFixture(node), index,
                        secrets, fleet));
                out.println("ok " + node + ": " + catalog.resources().size() + " resources, "
                        + catalog.edges().size() + " edges, environment " + catalog.environment());
            } catch (ManifestException e) {
                out.println("FAILED " + node + ": " + e.diagnostics().size()
                        + (e.diagnostics().size() == 1 ? " error" : " errors"));
                e.diagnostics().forEach(d -> errors.computeIfAbsent(d, k -> new TreeSet<>()).add(node));
            }
        }
        if (!secrets.seen().isEmpty()) {
            out.println("encrypted values: to key " + String.join(", ", secrets.seen()) + (secrets.checksKeyIds()
                    ? ", which " + CheckingOpener.SITE_KEYS + " lists (not decrypted: lint needs no private key)"
                    : "; only their form was checked: add " + CheckingOpener.SITE_KEYS
                            + " ('kw-master secrets public-key > secrets.pub') so lint checks their key ids"));
        }
        if (fleet != null) {
            out.println("fleet: " + fleet.nodes().size() + (fleet.nodes().size() == 1 ? " node" : " nodes") + " from "
                    + (fleetOption.file == null ? "the manifests' fixtures (give another with --fleet FILE)" : fleetOption.file)
                    + " answered ${fleet...}" + (site.fleetQueryNames().isEmpty() ? "" : ": queries " + String.join(", ", site.fleetQueryNames())));
        }
        if (!unresolved.named().isEmpty()) {
            out.println("not resolved (no --artifacts DIR given, so only their syntax was checked): artifact:"
                    + String.join(", artifact:", unresolved.named()));
        }
        out.flush();
        if (errors.isEmpty()) {
            return 0;
        }
        List<String> lines = new ArrayList<>();
        errors.forEach((d, affected) -> lines.add(d + " [" + String.join(", ", affected) + "]"));
        lines.forEach(err::println);
        err.println("kw-master: " + errors.size() + (errors.size() == 1 ? " error" : " errors") + " in "
                + errors.values().stream().flatMap(TreeSet::stream).distinct().count() + " of " + nodes.size() + " nodes");
        err.flush();
        return KwMaster.EXIT_MANIFEST_ERRORS;
    }
}
