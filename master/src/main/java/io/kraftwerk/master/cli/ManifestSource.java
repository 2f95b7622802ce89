package io.kraftwerk.master.cli;

import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.master.manifest.GitManifests;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.manifest.ManifestFiles;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The manifests options shared by the commands: a directory, or a git repository at a ref. */
final class ManifestSource {
    @Option(names = "--manifests", required = true, paramLabel = "DIR",
            description = "The manifests: a directory with site.yaml, or with --ref a git repository.")
    Path manifests;

    @Option(names = "--ref", paramLabel = "REF",
            description = "Read the manifests from this branch, tag or commit of the git repository at --manifests "
                    + "instead of its files; the catalog version is then the commit id.")
    String ref;

    ManifestFiles load() throws ManifestException {
        return ref == null ? DirectoryManifests.load(manifests) : GitManifests.load(manifests.toFile(), ref);
    }
}
