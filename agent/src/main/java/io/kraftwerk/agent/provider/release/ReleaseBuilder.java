package io.kraftwerk.agent.provider.release;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.fs.FsEntry;
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
    /** Written last: a release directory without it is what an interrupted build left, never used. */
    static final String BUILT = ".kraftwerk-built";
    /** Python run by root must not import from whatever directory the agent was started in. */
    private static final Map<String, String> SAFE_PATH = Map.of("PYTHONSAFEPATH", "1");

    private ReleaseBuilder() {
    }

    static void build(WsgiReleaseResource r, String id, ProviderContext context)
            throws IOException, ProviderException, InterruptedException {
        ReleaseLayout layout = ReleaseLayout.of(r);
        Path dir = context.path(layout.dir(id));
        requireRootOnly(context, r.root(), "the app's root");
        String logs = "/var/log/" + r.name();
        if (context.fs().stat(context.path(logs)).exists()) {
            // svlogd runs as root in the release's log directory beneath it
            requireRootOnly(context, logs, "the app's log directory");
        }
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
            checkBuild(context, venv, SAFE_PATH);
            if (!r.requirements().isEmpty()) {
                Set<String> wheelDirs = new LinkedHashSet<>();
                for (ArtifactRef artifact : r.artifacts()) {
                    wheelDirs.add(context.artifacts().fetch(artifact).toString());
                }
                // pip runs as root into a root-owned tree: the app cannot rewrite its own code
                Map<String, String> env = Map.of("PIP_NO_CACHE_DIR", "1", "HOME", layout.dir(id), "PYTHONSAFEPATH", "1");
                if (r.indexUrl() != null && !r.artifacts().isEmpty()) {
                    // with an index pip would take the best file of either source: the pinned bytes go in first, from the
                    // verified cache alone; the index then brings only what they depend on (they are satisfied already)
                    checkBuild(context, pinnedInstall(r, layout.venv(id), List.copyOf(wheelDirs), systemPip), env);
                }
                checkBuild(context, pipInstall(r, layout.venv(id), List.copyOf(wheelDirs), systemPip), env);
            }
            context.fs().writeAtomically(dir.resolve(BUILT), new byte[0], "root", "root", "0644");
        } catch (IOException | ProviderException | InterruptedException | RuntimeException e) {
            context.check(List.of("rm", "-rf", "--one-file-system", "--", layout.dir(id)));
            throw e;
        }
    }

    /** Whether a release directory holds a whole build. */
    static boolean built(ReleaseLayout layout, String id, ProviderContext context) {
        return Files.isRegularFile(context.path(layout.dir(id)).resolve(BUILT), LinkOption.NOFOLLOW_LINKS);
    }

    /** venv and pip failing is the release's own failure (its requirements), recorded as such. */
    private static void checkBuild(ProviderContext context, List<String> argv, Map<String, String> env)
            throws IOException, ReleaseFailed {
        CommandResult result = context.runner().run(argv, env, null);
        if (!result.succeeded()) {
            throw new ReleaseFailed(result.describeFailure());
        }
    }

    /**
     * The app's root holds its code: root's alone, or the app (or anyone) could swap a release's
     * directory for its own between the build and the switch.
     */
    static void requireRootOnly(ProviderContext context, String path, String what) throws IOException, ProviderException {
        FsEntry entry = context.fs().stat(context.path(path));
        if (!entry.exists()) {
            throw new ProviderException(what + " " + path + " does not exist (declare it as a directory resource, or create it)");
        }
        int mode = Integer.parseInt(entry.mode(), 8);
        if (entry.type() != FsEntry.Type.DIRECTORY || !"root".equals(entry.owner()) || (mode & 0022) != 0) {
            throw new ProviderException(what + " " + path + " is " + entry.describe() + " owned by " + entry.owner() + " with mode "
                    + entry.mode() + "; releases are built only in a directory root alone can change (chown root, chmod go-w)");
        }
    }

    /** {@code pip install} into the release's interpreter: Debian's pip with --python, or the release's own. */
    private static List<String> pipInstallOf(String venv, boolean systemPip) {
        List<String> argv = new ArrayList<>(systemPip
                ? List.of(SYSTEM_PYTHON, "-m", "pip", "--python", venv + "/bin/python", "install")
                : List.of(venv + "/bin/python", "-m", "pip", "install"));
        argv.addAll(List.of("--disable-pip-version-check", "--no-input"));
        return argv;
    }

    /** The artifacts alone, exactly: no index, no dependencies, only the verified cache's directories. */
    static List<String> pinnedInstall(WsgiReleaseResource r, String venv, List<String> artifactDirs, boolean systemPip) {
        List<String> argv = pipInstallOf(venv, systemPip);
        argv.addAll(List.of("--no-index", "--no-deps"));
        artifactDirs.forEach(dir -> argv.addAll(List.of("--find-links", dir)));
        r.artifacts().stream().map(a -> a.name() + "==" + a.version()).distinct().forEach(argv::add);
        return argv;
    }

    /**
     * pip with the index only when one is named; with artifacts or wheel directories alone, no index
     * at all. {@code systemPip}: Debian's pip installs into the release's interpreter.
     */
    static List<String> pipInstall(WsgiReleaseResource r, String venv, List<String> artifactDirs, boolean systemPip) {
        List<String> argv = pipInstallOf(venv, systemPip);
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
