package io.kraftwerk.agent.provider.release;

import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.ArtifactRef;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a release's virtualenv in its own directory: {@code python -m venv}, then pip with the
 * requirements, the artifacts the catalog pins coming from the agent's verified cache. Nothing of
 * the live release is touched; a failed build leaves no directory behind.
 * <p>
 * With Debian's python3-pip on the node the virtualenv is made {@code --without-pip} and filled by
 * that pip ({@code --python VENV/bin/python}): ensurepip copying a pip into every release is most
 * of a build's time (4 s of 5 here), and a release needs no pip of its own to run.
 */
final class ReleaseBuilder {
    /** Debian's pip (python3-pip), able to install into another interpreter's environment (pip 22.3+). */
    static final String SYSTEM_PIP = "/usr/lib/python3/dist-packages/pip/__init__.py";
    static final String SYSTEM_PYTHON = "/usr/bin/python3";

    private ReleaseBuilder() {
    }

    static void build(WsgiReleaseResource r, String id, ProviderContext context)
            throws IOException, ProviderException, InterruptedException {
        ReleaseLayout layout = ReleaseLayout.of(r);
        Path dir = context.path(layout.dir(id));
        if (!Files.isExecutable(context.path(r.python()))) {
            throw new ProviderException("the interpreter " + r.python() + " does not exist"
                    + " (install its package, or point 'python' at an installed one)");
        }
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            // left by a build that was interrupted: never trusted, built again
            context.check(List.of("rm", "-rf", "--one-file-system", "--", layout.dir(id)));
        }
        Path releases = context.path(layout.releases());
        if (!Files.isDirectory(releases, LinkOption.NOFOLLOW_LINKS)) {
            context.fs().createDirectory(releases, "root", "root", "0755");
        }
        context.fs().createDirectory(dir, "root", "root", "0755");
        boolean systemPip = Files.isRegularFile(context.path(SYSTEM_PIP)) && Files.isExecutable(context.path(SYSTEM_PYTHON));
        try {
            List<String> venv = new ArrayList<>(List.of(r.python(), "-m", "venv"));
            if (r.systemSitePackages()) {
                venv.add("--system-site-packages");
            }
            if (systemPip) {
                venv.add("--without-pip");
            }
            venv.add(layout.venv(id));
            context.check(venv);
            if (!r.requirements().isEmpty()) {
                Set<String> wheelDirs = new LinkedHashSet<>();
                for (ArtifactRef artifact : r.artifacts()) {
                    wheelDirs.add(context.artifacts().fetch(artifact).toString());
                }
                // pip runs as root into a root-owned tree: the app cannot rewrite its own code
                context.check(pipInstall(r, layout.venv(id), List.copyOf(wheelDirs), systemPip),
                        Map.of("PIP_NO_CACHE_DIR", "1", "HOME", layout.dir(id)), null);
            }
        } catch (IOException | ProviderException | InterruptedException | RuntimeException e) {
            context.check(List.of("rm", "-rf", "--one-file-system", "--", layout.dir(id)));
            throw e;
        }
    }

    /**
     * pip with the index only when one is named; with artifacts or wheel directories alone, no index
     * at all. {@code systemPip}: Debian's pip installs into the release's interpreter.
     */
    static List<String> pipInstall(WsgiReleaseResource r, String venv, List<String> artifactDirs, boolean systemPip) {
        List<String> argv = new ArrayList<>(systemPip
                ? List.of(SYSTEM_PYTHON, "-m", "pip", "--python", venv + "/bin/python", "install")
                : List.of(venv + "/bin/python", "-m", "pip", "install"));
        argv.addAll(List.of("--disable-pip-version-check", "--no-input"));
        if (r.indexUrl() != null) {
            argv.addAll(List.of("--index-url", r.indexUrl()));
        } else if (!r.findLinks().isEmpty() || !artifactDirs.isEmpty()) {
            argv.add("--no-index");
        }
        for (String link : artifactDirs) {
            argv.addAll(List.of("--find-links", link));
        }
        r.findLinks().forEach(link -> argv.addAll(List.of("--find-links", link)));
        argv.addAll(r.requirements());
        return argv;
    }
}
