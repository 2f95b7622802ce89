package io.kraftwerk.master.cli;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.artifacts.ArtifactStore;
import io.kraftwerk.master.artifacts.WheelBuild;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kw-master artifacts build DIR…}: builds each project's wheel with pip, offline, and adds it. */
@Command(name = "build", description = {"Build the wheel of each Python project with 'python3 -m pip wheel --no-deps"
        + " --no-build-isolation --no-index' and add it to the store.",
    "The build backend (setuptools, wheel) must be installed; nothing is downloaded. The same sources give the same bytes."})
final class ArtifactsBuildCommand extends ArtifactsCommand.Action {
    @Parameters(paramLabel = "DIR", arity = "1..*",
            description = "A project directory (pyproject.toml or setup.py); a relative one may be relative to --manifests.")
    List<Path> projects = new ArrayList<>();

    @Option(names = "--manifests", paramLabel = "DIR", description = "Where relative project directories are looked for"
            + " when they are not found from the current directory, e.g. apps/kwhello of the manifests.")
    Path manifests;

    @Option(names = "--python", paramLabel = "PATH", defaultValue = "/usr/bin/python3",
            description = "The interpreter whose pip builds (default: ${DEFAULT-VALUE}).")
    String python;

    @Override
    void run(ArtifactStore store, PrintWriter out) throws ArtifactException, IOException, InterruptedException {
        WheelBuild build = new WheelBuild(python);
        for (Path project : projects) {
            for (ArtifactStore.Added added : build.buildInto(store, locate(project))) {
                out.println((added.added() ? "added     " : "unchanged ") + ArtifactsCommand.describe(added.artifact()));
            }
            out.flush();
        }
    }

    /** With --manifests, a relative directory is the manifests' first: the project named there, not a stray one here. */
    private Path locate(Path project) throws ArtifactException {
        if (!project.isAbsolute() && manifests != null && Files.isDirectory(manifests.resolve(project))) {
            return manifests.resolve(project);
        }
        if (Files.isDirectory(project)) {
            return project;
        }
        throw ArtifactException.badRequest(project + " is not a directory" + (manifests == null || project.isAbsolute() ? ""
                : ", here or in " + manifests));
    }
}
