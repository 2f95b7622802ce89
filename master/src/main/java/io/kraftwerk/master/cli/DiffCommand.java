package io.kraftwerk.master.cli;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.compile.ArtifactIndex;
import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.SecretOpener;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.compile.UnresolvedArtifacts;
import io.kraftwerk.master.diff.CatalogDiff;
import io.kraftwerk.master.diff.DiffReport;
import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.GitManifests;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.secrets.CheckingOpener;
import io.kraftwerk.master.secrets.DecryptingOpener;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.master.settings.MasterPaths;
import io.kraftwerk.model.catalog.Catalog;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kw-master diff --from REF --to REF}: what a commit changes on every node the manifests
 * declare, before any agent takes it — resources added, removed and changed, property by property,
 * secrets compared but never shown. Offline, from the manifests' fixtures (facts/, trusted/).
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compile every declared node at two commits of the manifests repository and print what changes on each:",
            "resources added, removed and changed (property: old -> new; secrets as [sensitive]). Exit 0: nothing changes;",
            "2: something changes; 1: a node does not compile at --to."})
final class DiffCommand implements Callable<Integer> {
    @Option(names = "--manifests", required = true, paramLabel = "REPO", description = "The manifests' git repository.")
    Path manifests;

    @Option(names = "--from", required = true, paramLabel = "REF", description = "The branch, tag or commit the nodes run now.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "REF", description = "The branch, tag or commit to compare it with.")
    String to;

    @Option(names = "--nodes", paramLabel = "GLOB", description = "Only the declared nodes whose names match, e.g. 'web*'.")
    String nodes;

    @Option(names = "--json", description = "Print the difference as JSON (for CI), not as text.")
    boolean json;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/kraftwerk-master",
            description = {"The master's data directory, whose secrets keys tell a changed secret from a re-encrypted one",
                "(default: ${DEFAULT-VALUE}). Without them, a value encrypted anew reads as changed."})
    Path dataDir;

    @Mixin
    ArtifactsOption artifacts;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Site before;
        Site after;
        try {
            before = SiteParser.parse(GitManifests.load(manifests.toFile(), from));
            after = SiteParser.parse(GitManifests.load(manifests.toFile(), to));
        } catch (ManifestException e) {
            Output.errors(err, e.diagnostics(), "nothing compared");
            return KwMaster.EXIT_MANIFEST_ERRORS;
        }
        ArtifactIndex index;
        try {
            index = artifacts.given() ? artifacts.index() : new UnresolvedArtifacts();
        } catch (ArtifactException e) {
            err.println("kw-master diff: " + e.getMessage());
            err.flush();
            return KwMaster.EXIT_USAGE;
        }
        SecretOpener secrets = secrets();
        TreeSet<String> names = new TreeSet<>(before.declaredNodes());
        names.addAll(after.declaredNodes());
        PathMatcher glob = nodes == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + nodes);
        List<DiffReport.NodeResult> results = new ArrayList<>();
        for (String node : names) {
            if (glob != null && !glob.matches(Path.of(node))) {
                continue;
            }
            Outcome was = compile(before, node, index, secrets);
            Outcome is = compile(after, node, index, secrets);
            results.add(new DiffReport.NodeResult(node, is.catalog != null ? is.catalog.environment() : null,
                    was.catalog != null && is.catalog != null ? CatalogDiff.between(was.catalog, is.catalog) : null,
                    was.errors, is.errors));
        }
        DiffReport report = new DiffReport(before.version(), after.version(), results);
        out.print(json ? report.json() : report.text());
        out.flush();
        return report.failed() ? KwMaster.EXIT_MANIFEST_ERRORS : report.changes() ? 2 : 0;
    }

    private record Outcome(Catalog catalog, List<String> errors) {
    }

    private static Outcome compile(Site site, String node, ArtifactIndex index, SecretOpener secrets) {
        try {
            return new Outcome(CatalogCompiler.compile(site, new CompileRequest(node, null, null, site.trustedFixture(node), index,
                    secrets)), List.of());
        } catch (ManifestException e) {
            return new Outcome(null, e.diagnostics().stream().map(Diagnostic::toString).toList());
        }
    }

    /**
     * With the master's keys, values are opened (a diff shows no secret, but tells a changed one
     * from one encrypted anew); without them, each stands for itself by its envelope's digest.
     */
    private SecretOpener secrets() {
        SecretsKeys keys = new SecretsKeys(new MasterPaths(dataDir).secrets());
        if (Files.isDirectory(keys.dir()) && Files.isReadable(keys.dir()) && Files.isExecutable(keys.dir())) {
            return new DecryptingOpener(keys);
        }
        CheckingOpener checking = new CheckingOpener(null, null);
        return (envelope, environment) -> {
            checking.open(envelope, environment);
            return "[encrypted " + digest(envelope) + "]";
        };
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII)), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
