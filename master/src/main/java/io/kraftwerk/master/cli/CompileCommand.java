package io.kraftwerk.master.cli;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.compile.ArtifactIndex;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.Facts;
import io.kraftwerk.master.compile.SecretOpener;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.secrets.CheckingOpener;
import io.kraftwerk.master.secrets.DecryptingOpener;
import io.kraftwerk.master.secrets.SecretsException;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.master.settings.MasterPaths;
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
import java.util.function.IntSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kw-master compile}: prints one node's catalog as JSON. Values decrypted from {@code ENC[...]}
 * print as {@code [sensitive]} unless root asks for them with {@code --show-secrets}.
 */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Compile the catalog of one node and print it as JSON on standard output.")
final class CompileCommand implements Callable<Integer> {
    @Mixin
    ManifestSource source;

    @Mixin
    ArtifactsOption artifacts;

    @Mixin
    FleetOption fleet;

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

    @Option(names = "--show-secrets",
            description = {"Print decrypted values instead of [sensitive]. Only for root on the master: it decrypts with the",
                "private keys in --data-dir."})
    boolean showSecrets;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "/var/lib/kraftwerk-master",
            description = {"The master's data directory, whose secrets keys check that ENC[...] values decrypt (default: ${DEFAULT-VALUE}).",
                "Without access to it, values are checked against the manifests' secrets.pub. Either way they print as [sensitive]."})
    Path dataDir;

    @Spec
    CommandSpec spec;

    /** The effective user id (a test gives another). */
    IntSupplier uid = CompileCommand::effectiveUid;

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
            SecretOpener secrets = secrets(site);
            if (secrets == null) {
                err.println("kw-master compile: --show-secrets prints decrypted values, which only root on the master may see"
                        + " (the secrets keys in " + new MasterPaths(dataDir).secrets() + " are root's alone); leave it out to see"
                        + " [sensitive] in their place");
                err.flush();
                return KwMaster.EXIT_USAGE;
            }
            Catalog catalog = CatalogCompiler.compile(site, new CompileRequest(node, nodeFacts, environment, trustedFacts, index,
                    secrets, fleet.snapshot(site)));
            out.print(ModelJson.write(catalog));
            out.flush();
            return 0;
        } catch (ManifestException e) {
            Output.errors(err, e.diagnostics(), "no catalog for " + node);
            return KwMaster.EXIT_MANIFEST_ERRORS;
        } catch (ArtifactException | SecretsException e) {
            err.println("kw-master compile: " + e.getMessage());
            err.flush();
            return KwMaster.EXIT_USAGE;
        }
    }

    /**
     * How encrypted values are opened: decrypted and shown with --show-secrets (root only; null when
     * refused); decrypted to check them and shown as [sensitive] where the keys can be read; else
     * checked against secrets.pub, shown as [sensitive].
     */
    private SecretOpener secrets(Site site) throws SecretsException {
        SecretsKeys keys = new SecretsKeys(new MasterPaths(dataDir).secrets());
        boolean readable = Files.isDirectory(keys.dir()) && Files.isReadable(keys.dir()) && Files.isExecutable(keys.dir());
        if (showSecrets) {
            if (uid.getAsInt() != 0) {
                return null;
            }
            DecryptingOpener decrypting = new DecryptingOpener(keys);
            return new SecretOpener() {
                @Override
                public String open(String envelope, String environment) throws Unopenable {
                    return decrypting.open(envelope, environment);
                }

                @Override
                public boolean showsSecrets() {
                    return true;
                }
            };
        }
        return readable ? SecretOpener.placeholders(new DecryptingOpener(keys))
                : CheckingOpener.forSite(site.files().file(CheckingOpener.SITE_KEYS));
    }

    private static int effectiveUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return -1; // not known: not root
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
