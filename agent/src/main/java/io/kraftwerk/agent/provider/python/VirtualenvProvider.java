package io.kraftwerk.agent.provider.python;

import io.kraftwerk.agent.fs.FsEntry;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.VirtualenvResource;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code virtualenv}: {@code python -m venv} and pip. Reading it starts no Python: the interpreter
 * and options come from {@code pyvenv.cfg}, the installed versions from dist-info directories.
 * A changed interpreter or site-packages setting rebuilds the environment from scratch.
 */
public final class VirtualenvProvider implements Provider<VirtualenvResource> {
    private static final Set<String> REBUILD = Set.of(Desired.ENSURE, "python", "system_site_packages");

    @Override
    public Class<VirtualenvResource> resourceClass() {
        return VirtualenvResource.class;
    }

    @Override
    public Desired desired(VirtualenvResource venv) {
        Desired desired = new Desired().ensure(venv.ensure() == Ensure.PRESENT ? "present" : "absent")
                .plain("python", venv.python())
                .plain("system_site_packages", String.valueOf(venv.systemSitePackages()))
                .plain("requirements", String.join(", ", venv.requirements()))
                .plain("owner", venv.owner())
                .plain("group", venv.group());
        return desired;
    }

    @Override
    public Observed observe(VirtualenvResource venv, ProviderContext context) throws IOException {
        Path root = context.path(venv.path());
        FsEntry entry = context.fs().stat(root);
        if (!entry.exists()) {
            return Observed.absent();
        }
        Map<String, String> cfg = PyvenvCfg.read(root);
        if (cfg == null || !Files.exists(root.resolve("bin/python"))) {
            return new Observed().put(Desired.ENSURE, "not a virtualenv");
        }
        boolean systemSite = "true".equalsIgnoreCase(cfg.getOrDefault("include-system-site-packages", "false"));
        Observed observed = new Observed().put(Desired.ENSURE, "present")
                .put("python", interpreter(venv, cfg, context))
                .put("system_site_packages", String.valueOf(systemSite))
                .put("owner", entry.owner())
                .put("group", entry.group());
        Map<String, String> installed = InstalledDistributions.read(sitePackages(root, cfg, systemSite, context));
        List<String> found = new ArrayList<>();
        for (String text : venv.requirements()) {
            Pep440.Requirement req = Pep440.Requirement.parse(text);
            String version = installed.get(req.name());
            found.add(version != null && req.satisfiedBy(version) ? text
                    : req.name() + (version == null ? " (missing)" : " " + version));
        }
        return observed.put("requirements", String.join(", ", found));
    }

    /** The desired interpreter when pyvenv.cfg names the same file, else what it names. */
    private static String interpreter(VirtualenvResource venv, Map<String, String> cfg, ProviderContext context) {
        String executable = cfg.getOrDefault("executable", cfg.getOrDefault("home", "") + "/python3");
        try {
            Path wanted = context.path(venv.python()).toRealPath();
            Path actual = context.path(executable).toRealPath();
            return wanted.equals(actual) ? venv.python() : executable;
        } catch (IOException e) {
            return executable; // one of them is gone: they differ
        }
    }

    private static List<Path> sitePackages(Path root, Map<String, String> cfg, boolean systemSite, ProviderContext context)
            throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> libs = Files.newDirectoryStream(root.resolve("lib"), "python3*")) {
            libs.forEach(lib -> dirs.add(lib.resolve("site-packages")));
        } catch (NoSuchFileException e) {
            // an empty shell of a virtualenv: nothing installed
        }
        if (systemSite) {
            String[] version = cfg.getOrDefault("version", cfg.getOrDefault("version_info", "3")).split("\\.");
            String minor = version.length >= 2 ? version[0] + "." + version[1] : "3";
            dirs.add(context.path("/usr/local/lib/python" + minor + "/dist-packages"));
            dirs.add(context.path("/usr/lib/python3/dist-packages"));
            dirs.add(context.path("/usr/lib/python" + minor + "/dist-packages"));
        }
        return dirs;
    }

    @Override
    public boolean apply(VirtualenvResource venv, List<Change> changes, ProviderContext context)
            throws IOException, ProviderException {
        Path root = context.path(venv.path());
        if (changes.stream().anyMatch(c -> c.isEnsure() && c.previous() != null && !c.previous().equals("absent"))
                && PyvenvCfg.read(root) == null) {
            throw new ProviderException(venv.path() + " exists but is not a virtualenv; Kraftwerk leaves it alone"
                    + " (move it away to let the virtualenv be built)");
        }
        if (venv.ensure() == Ensure.ABSENT) {
            deleteTree(root, context);
            return false;
        }
        boolean rebuild = changes.stream().anyMatch(c -> REBUILD.contains(c.property()));
        if (rebuild) {
            build(venv, root, context);
        }
        if (rebuild && (venv.owner() != null || venv.group() != null)
                || changes.stream().anyMatch(c -> c.property().equals("owner") || c.property().equals("group"))) {
            chown(venv, context);
        }
        if (!venv.requirements().isEmpty()
                && (rebuild || changes.stream().anyMatch(c -> c.property().equals("requirements")))) {
            // PYTHONSAFEPATH: python -m must not import from whatever directory the agent was started in
            context.check(asOwner(venv, pipInstall(venv)), Map.of("PIP_NO_CACHE_DIR", "1", "HOME", venv.path(), "PYTHONSAFEPATH", "1"),
                    null);
        }
        return false;
    }

    private static void build(VirtualenvResource venv, Path root, ProviderContext context) throws IOException, ProviderException {
        if (!Files.isExecutable(context.path(venv.python()))) {
            throw new ProviderException("the interpreter " + venv.python() + " does not exist"
                    + " (install its package, or point 'python' at an installed one)");
        }
        if (PyvenvCfg.read(root) != null) {
            deleteTree(root, context);
        }
        List<String> argv = new ArrayList<>(List.of(venv.python(), "-m", "venv"));
        if (venv.systemSitePackages()) {
            argv.add("--system-site-packages");
        }
        argv.add(venv.path());
        context.check(argv, Map.of("PYTHONSAFEPATH", "1"), null);
    }

    private static void chown(VirtualenvResource venv, ProviderContext context) throws IOException, ProviderException {
        String owner = venv.owner() == null ? "root" : venv.owner();
        String group = venv.group() == null ? "" : venv.group();
        context.check(List.of("chown", "-R", "--no-dereference", owner + ":" + group, venv.path()));
    }

    static List<String> pipInstall(VirtualenvResource venv) {
        List<String> argv = new ArrayList<>(List.of(venv.path() + "/bin/python", "-m", "pip", "install",
                "--disable-pip-version-check", "--no-input"));
        if (venv.indexUrl() != null) {
            argv.addAll(List.of("--index-url", venv.indexUrl()));
        } else if (!venv.findLinks().isEmpty()) {
            argv.add("--no-index");
        }
        venv.findLinks().forEach(link -> argv.addAll(List.of("--find-links", link)));
        argv.addAll(venv.requirements());
        return argv;
    }

    /** pip runs as the owner of the environment, so an app's dependencies never run as root when owned. */
    static List<String> asOwner(VirtualenvResource venv, List<String> argv) {
        if (venv.owner() == null || venv.owner().equals("root")) {
            return argv;
        }
        List<String> out = new ArrayList<>(List.of("runuser", "-u", venv.owner()));
        if (venv.group() != null) {
            out.addAll(List.of("-g", venv.group()));
        }
        out.add("--");
        out.addAll(argv);
        return out;
    }

    private static void deleteTree(Path root, ProviderContext context) throws IOException, ProviderException {
        if (Files.exists(root)) {
            context.check(List.of("rm", "-rf", "--one-file-system", "--", root.toString()));
        }
    }

    /** pyvenv.cfg as a map; null when there is none. */
    static final class PyvenvCfg {
        private PyvenvCfg() {
        }

        static Map<String, String> read(Path root) throws IOException {
            Path cfg = root.resolve("pyvenv.cfg");
            if (!Files.isRegularFile(cfg)) {
                return null;
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (String line : Files.readAllLines(cfg)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
                }
            }
            return values;
        }
    }
}
