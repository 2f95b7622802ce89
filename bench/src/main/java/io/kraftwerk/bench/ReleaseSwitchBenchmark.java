package io.kraftwerk.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.SteadyClient;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Shipping a new version of the example's hello app under a steady client through nginx, two ways
 * on one disposable node, alternately: as a {@code wsgi_app} release (built beside the live one,
 * health-gated, switched through ROOT/current) and in place (pip upgrades the live virtualenv and
 * gunicorn restarts: the shape of a package-then-restart recipe, and of wsgi_app before releases).
 * Each deployment changes the version (1.0.0 and 1.1.0 in turn) and the greeting, so every one is
 * a new build. Measured: from the start of the agent's run to the first answer of the new version
 * through nginx, the run's wall time, and the requests that failed.
 *
 * <pre>
 * ./mvnw -q -DskipTests package && .ci/prepare-host
 * java -cp bench/target/benchmarks.jar io.kraftwerk.bench.ReleaseSwitchBenchmark [--runs 5]
 * </pre>
 */
public final class ReleaseSwitchBenchmark {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path SCRATCH = ROOT.resolve("bench/target/nodes");

    private ReleaseSwitchBenchmark() {
    }

    /** One deployment: ms from the run's start to the new version serving, the run's ms, requests. */
    record Sample(long toServingMillis, long runMillis, int ok, int failed) {
    }

    public static void main(String[] args) throws Exception {
        int runs = runs(args, 5);
        Files.createDirectories(SCRATCH);
        Path site = Files.createTempDirectory(SCRATCH, "switch-site-");
        Files.createDirectories(site.resolve("roles"));
        Files.writeString(site.resolve("site.yaml"), """
                apiVersion: kraftwerk/v1
                kind: Site
                default_environment: production
                nodes:
                  - name: web1.example.net
                    roles: [switch]
                """);
        try (DisposableNode node = DisposableNode.start(SCRATCH, "web1.example.net", ROOT)) {
            for (String version : List.of("1.0.0", "1.1.0")) {
                wheel(node, version);
            }
            String[] state = {"1.0.0", "first", "1.0.0", "first"};
            run(node, catalog(site, state));
            List<Sample> releases = new ArrayList<>();
            List<Sample> inPlace = new ArrayList<>();
            for (int i = 1; i <= runs; i++) {
                String version = i % 2 == 1 ? "1.1.0" : "1.0.0";
                state[0] = version;
                state[1] = "release " + i;
                releases.add(deploy(node, catalog(site, state), "hello.example.net", state[1]));
                state[2] = version;
                state[3] = "in place " + i;
                inPlace.add(deploy(node, catalog(site, state), "inplace.example.net", state[3]));
            }
            System.out.printf("Shipping a new version of the hello app under a steady client through nginx, %d times each way%n%n", runs);
            System.out.println("| how | median to new version serving | max | median agent run | failed requests | requests |");
            System.out.println("|---|---:|---:|---:|---:|---:|");
            report("wsgi_app releases (health-gated switch)", releases);
            report("in place (pip upgrade + restart)", inPlace);
        }
    }

    private static Sample deploy(DisposableNode node, Catalog catalog, String host, String marker) throws Exception {
        Files.write(node.path("/root/catalog.json"), ModelJson.writeBytes(catalog));
        long start;
        long runMillis;
        DisposableNode.Result result;
        JsonNode summary;
        try (SteadyClient client = SteadyClient.start(node, host)) {
            start = System.currentTimeMillis();
            result = node.exec(List.of(ROOT.resolve("bin/kw-agent").toString(), "apply", "/root/catalog.json"), Duration.ofMinutes(10));
            runMillis = System.currentTimeMillis() - start;
            summary = ModelJson.mapper().readTree(client.stop());
        }
        if (result.exitCode() != 2 || !summary.get("first_seen").has(marker)) {
            throw new IllegalStateException("the deployment of '" + marker + "' did not serve (exit " + result.exitCode() + "):\n"
                    + result.stdout() + result.stderr() + "\n" + summary);
        }
        return new Sample(summary.get("first_seen").get(marker).asLong() - start, runMillis, summary.get("ok").asInt(),
                summary.get("failed").asInt());
    }

    private static void run(DisposableNode node, Catalog catalog) throws Exception {
        Files.write(node.path("/root/catalog.json"), ModelJson.writeBytes(catalog));
        DisposableNode.Result r = node.exec(List.of(ROOT.resolve("bin/kw-agent").toString(), "apply", "/root/catalog.json"),
                Duration.ofMinutes(10));
        if (r.exitCode() != 2 && r.exitCode() != 0) {
            throw new IllegalStateException("the first run failed:\n" + r.stdout() + r.stderr());
        }
    }

    /** state: the releases app's version and greeting, then the in-place app's. */
    private static Catalog catalog(Path site, String[] state) throws Exception {
        String role = new String(resource("switch-role.yaml"), StandardCharsets.UTF_8)
                .replace("@RELEASES_VERSION@", state[0]).replace("@RELEASES_GREETING@", state[1])
                .replace("@INPLACE_VERSION@", state[2]).replace("@INPLACE_GREETING@", state[3]);
        Files.writeString(site.resolve("roles/switch.yaml"), role);
        return CatalogCompiler.compile(SiteParser.parse(DirectoryManifests.load(site)), new CompileRequest("web1.example.net", null, null));
    }

    /** {@code --runs N}, the one argument these node benchmarks take. */
    static int runs(String[] args, int fallback) {
        int runs = fallback;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--runs") && i + 1 < args.length) {
                runs = Integer.parseInt(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + args[i] + " (--runs N)");
            }
        }
        return runs;
    }

    /** The sample app's wheel at a version, built with Debian's pip into the node's wheelhouse. */
    static void wheel(DisposableNode node, String version) throws Exception {
        Path project = Files.createTempDirectory(SCRATCH, "kwhello-" + version + "-");
        new ProcessBuilder("cp", "-r", ROOT.resolve("manifests/apps/kwhello") + "/.", project.toString()).inheritIO().start().waitFor();
        for (Path file : List.of(project.resolve("pyproject.toml"), project.resolve("src/kwhello/__init__.py"))) {
            Files.writeString(file, Files.readString(file).replace("\"1.0.0\"", "\"" + version + "\""));
        }
        Path wheels = Files.createTempDirectory(SCRATCH, "wheels-" + version + "-");
        Process pip = new ProcessBuilder("/usr/bin/python3", "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                "--no-index", "-w", wheels.toString(), ".").directory(project.toFile()).inheritIO().start();
        if (pip.waitFor() != 0) {
            throw new IllegalStateException("pip wheel failed for kwhello " + version);
        }
        // copied in from outside, as a file the node's overlay sees whole
        Path wheelhouse = Files.createDirectories(node.path("/srv/wheelhouse"));
        try (var built = Files.list(wheels)) {
            for (Path wheel : built.toList()) {
                Files.copy(wheel, wheelhouse.resolve(wheel.getFileName()));
            }
        }
    }

    private static byte[] resource(String name) throws Exception {
        try (InputStream in = ReleaseSwitchBenchmark.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static void report(String how, List<Sample> samples) {
        List<Long> toServing = samples.stream().map(Sample::toServingMillis).sorted().toList();
        List<Long> runs = samples.stream().map(Sample::runMillis).sorted(Comparator.naturalOrder()).toList();
        System.out.printf(Locale.ROOT, "| %s | %.2f s | %.2f s | %.2f s | %d | %d |%n", how, toServing.get(toServing.size() / 2) / 1000.0,
                toServing.get(toServing.size() - 1) / 1000.0, runs.get(runs.size() / 2) / 1000.0,
                samples.stream().mapToInt(Sample::failed).sum(), samples.stream().mapToInt(s -> s.ok() + s.failed()).sum());
    }
}
