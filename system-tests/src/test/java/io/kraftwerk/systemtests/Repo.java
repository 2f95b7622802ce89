package io.kraftwerk.systemtests;

import io.kraftwerk.master.artifacts.FileArtifactStore;
import io.kraftwerk.master.artifacts.StoredArtifact;
import io.kraftwerk.master.artifacts.WheelBuild;
import io.kraftwerk.master.compile.ArtifactIndex;
import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.master.secrets.DecryptingOpener;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.GitRepo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The repository the tests run in: the example site, the built agent, the sample apps. */
final class Repo {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path SCRATCH = Path.of("target", "nodes").toAbsolutePath();

    private Repo() {
    }

    /** What the web1 catalog installs or reinstalls in a node, which has no network. */
    static final List<String> NODE_PACKAGES = List.of("nginx", "runit", "python3-gunicorn", "unattended-upgrades", "less", "postgresql-client");

    /**
     * Nodes install from the host's apt cache. Without it apt-get inside would fail on the network
     * with a confusing message; say what to do instead.
     */
    static void requireCachedPackages() throws IOException {
        List<String> missing = new ArrayList<>();
        for (String pkg : NODE_PACKAGES) {
            try (Stream<Path> debs = Files.list(Path.of("/var/cache/apt/archives"))) {
                if (debs.noneMatch(p -> p.getFileName().toString().startsWith(pkg + "_"))) {
                    missing.add(pkg);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the apt cache lacks " + missing + ": run .ci/prepare-host (as root) once on"
                    + " this machine; disposable nodes install packages offline from it");
        }
    }

    /** A node of the example site, its apps' artifact: requirements resolved against {@link #sampleApps()}. */
    static Catalog compile(String node) throws Exception {
        return CatalogCompiler.compile(SiteParser.parse(DirectoryManifests.load(ROOT.resolve("manifests"))),
                new CompileRequest(node, null, null, Map.of(), ArtifactIndex.of(sampleApps().snapshot().artifacts().stream()
                        .map(StoredArtifact::ref).toList()), exampleSecrets()));
    }

    /** What opens the example site's encrypted values: its example key, committed as an example (examples/secrets-key). */
    static DecryptingOpener exampleSecrets() {
        return new DecryptingOpener(new SecretsKeys(ROOT.resolve("examples/secrets-key")));
    }

    private static FileArtifactStore sampleApps;

    /**
     * An artifact store holding the example site's two apps, built from manifests/apps by the
     * master's own wheel build (once per test JVM: the build is reproducible, adding again is a no-op).
     */
    static synchronized FileArtifactStore sampleApps() throws Exception {
        if (sampleApps == null) {
            Path dir = Files.createDirectories(SCRATCH).resolve("sample-artifacts");
            FileArtifactStore store = new FileArtifactStore(dir.resolve("store"), FileArtifactStore.DEFAULT_MAX_BYTES, Clock.systemUTC());
            for (String app : List.of("kwhello", "kwblog")) {
                new WheelBuild("/usr/bin/python3").buildInto(store, ROOT.resolve("manifests/apps/" + app));
            }
            sampleApps = store;
        }
        return sampleApps;
    }

    /**
     * Fills the artifact store of a master's data directory (DATA/artifacts) with the example's
     * apps, as {@code kw-master artifacts build} would: the example site's web1 compiles only with them.
     */
    static void stockStore(Path dataDir) throws Exception {
        FileArtifactStore samples = sampleApps();
        FileArtifactStore store = new FileArtifactStore(dataDir.resolve("artifacts"), FileArtifactStore.DEFAULT_MAX_BYTES,
                Clock.systemUTC());
        for (StoredArtifact stored : samples.snapshot().artifacts()) {
            try (InputStream in = samples.open(stored)) {
                store.add(stored.filename(), in, stored.sha256());
            }
        }
    }

    /**
     * Puts the artifacts a catalog pins into the node's agent cache, as a pull run would have
     * fetched them: {@code kw-agent apply FILE} has no master to fetch from.
     */
    static void seedArtifacts(DisposableNode node, Catalog catalog) throws Exception {
        FileArtifactStore store = sampleApps();
        for (StoredArtifact stored : store.snapshot().artifacts()) {
            boolean pinned = catalog.resources().stream().anyMatch(r -> r.resource() instanceof WsgiReleaseResource w
                    && w.artifacts().contains(stored.ref()));
            if (pinned) {
                Path dir = node.path("/var/lib/kraftwerk/artifacts/" + stored.sha256());
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                try (InputStream in = store.open(stored)) {
                    Files.copy(in, dir.resolve(stored.filename()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The launcher as an operator runs it; it finds the built jar beside it. */
    static String agent() {
        return ROOT.resolve("bin/kw-agent").toString();
    }

    /**
     * Builds wheels of Python projects with the node's pip (python3-pip, setuptools and wheel from
     * Debian, offline) and puts them into the node's wheelhouse.
     */
    static void buildWheelhouse(DisposableNode node, String wheelhouse, Path... projects) throws Exception {
        Path out = Files.createTempDirectory(SCRATCH, "wheels-");
        for (Path project : projects) {
            Path copy = Files.createTempDirectory(SCRATCH, "src-");
            GitRepo.copyTree(project, copy);
            Process pip = new ProcessBuilder("/usr/bin/python3", "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", "--wheel-dir", out.toString(), ".")
                    .directory(copy.toFile()).redirectErrorStream(true).start();
            String output = new String(pip.getInputStream().readAllBytes());
            if (!pip.waitFor(120, TimeUnit.SECONDS) || pip.exitValue() != 0) {
                throw new IllegalStateException("pip wheel failed for " + project + ":\n" + output);
            }
        }
        Path target = node.path(wheelhouse);
        Files.createDirectories(target);
        try (Stream<Path> wheels = Files.list(out)) {
            for (Path wheel : wheels.toList()) {
                Files.copy(wheel, target.resolve(wheel.getFileName()));
            }
        }
    }

    static List<String> argv(String... parts) {
        return List.of(parts);
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
