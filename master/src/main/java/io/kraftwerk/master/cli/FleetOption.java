package io.kraftwerk.master.cli;

import io.kraftwerk.master.compile.FleetFixtures;
import io.kraftwerk.master.compile.FleetSnapshot;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.ManifestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --fleet FILE}: the other nodes that {@code ${fleet.…}} reads in an offline compile, lint or diff. */
final class FleetOption {
    @Option(names = "--fleet", paramLabel = "FILE",
            description = {"The fleet that ${fleet...} reads: a JSON or YAML file with a 'nodes' list (certname, environment,",
                "roles, standing: reporting|failed|unresponsive, facts). Default: the nodes the manifests declare (facts/ and",
                "nodes named in site.yaml), classified by the site, all reporting."})
    Path file;

    /** The fleet for compiles of {@code site}: the file's, or the site's fixtures (computed once, where the site reads any). */
    FleetSnapshot snapshot(Site site) throws ManifestException {
        if (file == null) {
            return site.readsFleet() ? FleetFixtures.of(site) : null;
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ManifestException(new Diagnostic(Location.ofFile(file.toString()), "cannot read the fleet snapshot: " + e.getMessage(),
                    "give --fleet a readable JSON or YAML file"));
        }
        return FleetSnapshot.parse(file.toString(), content);
    }
}
