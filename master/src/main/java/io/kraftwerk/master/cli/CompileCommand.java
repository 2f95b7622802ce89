package io.kraftwerk.master.cli;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.compile.ArtifactIndex;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.Facts;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.trust.TrustedFacts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kw-master compile}: prints one node's catalog as JSON. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compile the catalog of one node and print it as JSON on standard output.")
final class CompileCommand implements Callable<Integer> {
    @Mixin
    ManifestSource source;

    @Mixin
    ArtifactsOption artifacts;

    @Option(names = "--node", required = true, paramLabel = "NAME", description = "The node's certname.")
    String node;

    @Option(names = "--facts", paramLabel = "FILE",
            description = "The node's facts (JSON or YAML, as 'kw-agent facts' prints them). "
                    + "Default: facts/NAME.json or facts/NAME.yaml in the manifests, else none.")
    Path facts;

    @Option(names = "--environment", paramLabel = "ENV",
            description = "Compile for this environment instead of the node's own; the manifests must allow it.")
    String environment;

    @Option(names = "--trusted", paramLabel = "KEY=VALUE",
            description = {"A trusted fact of the node's certificate, as 'kw-master ca sign --trusted' sets it; repeat.",
                "Default: trusted/NAME.yaml in the manifests, else none."})
    List<String> trusted = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            Site site = SiteParser.parse(source.load());
            Facts nodeFacts = facts == null ? null : readFacts(facts);
            Map<String, String> trustedFacts;
            try {
                trustedFacts = trusted.isEmpty() ? site.trustedFixture(node) : TrustedFacts.parseAll(trusted);
            } catch (IllegalArgumentException e) {
                err.println("kw-master compile: " + e.getMessage());
                err.flush();
                return KwMaster.EXIT_USAGE;
            }
            Output.warnings(err, site.warnings());
            ArtifactIndex index = artifacts.given() ? artifacts.index()
                    : ArtifactIndex.notGiven("no artifact store was given to resolve it: pass --artifacts DIR (a master's DATA/artifacts)");
            Catalog catalog = CatalogCompiler.compile(site, new CompileRequest(node, nodeFacts, environment, trustedFacts, index));
            out.print(ModelJson.write(catalog));
            out.flush();
            return 0;
        } catch (ManifestException e) {
            Output.errors(err, e.diagnostics(), "no catalog for " + node);
            return KwMaster.EXIT_MANIFEST_ERRORS;
        } catch (ArtifactException e) {
            err.println("kw-master compile: " + e.getMessage());
            err.flush();
            return KwMaster.EXIT_USAGE;
        }
    }

    static Facts readFacts(Path file) throws ManifestException {
        try {
            return Facts.parse(file.toString(), Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ManifestException(new Diagnostic(Location.ofFile(file.toString()),
                    "cannot read facts: " + e.getMessage(), "check the path given to --facts"));
        }
    }
}
