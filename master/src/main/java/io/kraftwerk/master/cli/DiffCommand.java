package io.kraftwerk.master.cli;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.compile.ArtifactIndex;
import io.kraftwerk.master.compile.FleetSnapshot;
import io.kraftwerk.master.compile.SecretOpener;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.compile.UnresolvedArtifacts;
import io.kraftwerk.master.diff.CommitDiff;
import io.kraftwerk.master.diff.DiffReport;
import io.kraftwerk.master.manifest.GitManifests;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.secrets.CheckingOpener;
import io.kraftwerk.master.secrets.DecryptingOpener;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.master.settings.MasterPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
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
 * {@code kw-master diff}: what a commit changes on every node, before any agent takes it — resources
 * added, removed and changed, property by property, secrets compared but never shown. Against the
 * running master (its nodes' latest facts, its fleet), or offline with {@code --manifests}, from the
 * manifests' fixtures (facts/, trusted/).
 */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compile every node at two commits and print what changes on each: resources added, removed and",
            "changed (property: old -> new; secrets as [sensitive]). Without --manifests: the running master's nodes of",
            "--environment, with their latest facts, from the commit most of them run to the branch's head (or --from/--to).",
            "With --manifests REPO: offline, the nodes the manifests declare with their fixtures.",
            "Exit 0: nothing changes; 2: something changes; 1: a node does not compile at --to."})
final class DiffCommand implements Callable<Integer> {
    @Option(names = "--manifests", paramLabel = "REPO",
            description = "Offline: the manifests' git repository, compiled with its fixtures (--from and --to needed).")
    Path manifests;

    @Option(names = "--from", paramLabel = "REF",
            description = "The branch or commit the nodes run now (default against the master: the commit most of them run).")
    String from;

    @Option(names = "--to", paramLabel = "REF",
            description = "The branch or commit to compare it with (default against the master: the environment's branch).")
    String to;

    @Option(names = "--environment", paramLabel = "ENV", defaultValue = "production",
            description = "Against the master: the environment whose nodes are compared (default: ${DEFAULT-VALUE}).")
    String environment;

    @Mixin
    ServerOption server;

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

    @Mixin
    FleetOption fleet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (manifests == null) {
            return againstTheMaster(out, err);
        }
        if (from == null || to == null) {
            err.println("kw-master diff: --manifests compares two commits: give --from REF and --to REF");
            err.flush();
            return KwMaster.EXIT_USAGE;
        }
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
        FleetSnapshot fleetBefore;
        FleetSnapshot fleetAfter;
        try {
            // without --fleet, each commit is compiled against its own fixtures
            fleetBefore = fleet.snapshot(before);
            fleetAfter = fleet.snapshot(after);
        } catch (ManifestException e) {
            Output.errors(err, e.diagnostics(), "nothing compared");
            return KwMaster.EXIT_USAGE;
        }
        TreeSet<String> names = new TreeSet<>(before.declaredNodes());
        names.addAll(after.declaredNodes());
        PathMatcher glob = nodes == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + nodes);
        List<CommitDiff.Target> targets = new ArrayList<>();
        for (String node : names) {
            if (glob == null || glob.matches(Path.of(node))) {
                targets.add(new CommitDiff.Target(node, null, null)); // each commit's fixtures
            }
        }
        DiffReport report;
        try {
            report = CommitDiff.compute(before, after, targets, new CommitDiff.Inputs(null, index, secrets, fleetBefore, fleetAfter),
                    Runtime.getRuntime().availableProcessors());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return KwMaster.EXIT_USAGE;
        }
        out.print(json ? report.json() : report.text());
        out.flush();
        return report.failed() ? KwMaster.EXIT_MANIFEST_ERRORS : report.changes() ? 2 : 0;
    }

    /** Asks the running master, which compiles its nodes with their latest facts and its fleet. */
    private int againstTheMaster(PrintWriter out, PrintWriter err) {
        StringBuilder query = new StringBuilder("/v1/environments/" + encode(environment) + "/diff?format=" + (json ? "json" : "text"));
        if (from != null) {
            query.append("&from=").append(encode(from));
        }
        if (to != null) {
            query.append("&to=").append(encode(to));
        }
        if (nodes != null) {
            query.append("&nodes=").append(encode(nodes));
        }
        try {
            RunningMaster.Answer answer = RunningMaster.of(server.url, dataDir).get(query.toString(), Duration.ofMinutes(10));
            if (answer.status() != 200) {
                err.println("kw-master diff: the master answered " + answer.status() + ": " + answer.body().strip());
                err.flush();
                return KwMaster.EXIT_USAGE;
            }
            out.print(answer.body());
            out.flush();
            String outcome = answer.response().headers().firstValue("Kraftwerk-Diff").orElse("unchanged");
            return outcome.equals("failed") ? KwMaster.EXIT_MANIFEST_ERRORS : outcome.equals("changed") ? 2 : 0;
        } catch (IOException e) {
            err.println("kw-master diff: " + e.getMessage());
            err.flush();
            return KwMaster.EXIT_USAGE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return KwMaster.EXIT_USAGE;
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
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
