package io.kraftwerk.bench;

import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.master.secrets.DecryptingOpener;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.testkit.DisposableNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whole-process cost of a no-change run of the same 200-resource desired state with kw-agent,
 * {@code puppet apply} and {@code cf-agent}, each in its own disposable node (so installing the
 * peers never touches this host): wall time and peak RSS as GNU time reports them, JVM start
 * included. Also the first run of the example site's web1 from a bare node to a serving app.
 *
 * <pre>
 * ./mvnw -q -DskipTests package
 * apt-get install --download-only -y puppet-agent cfengine3   # the peers, into apt's cache
 * .ci/prepare-host                                            # the web1 packages
 * java -cp bench/target/benchmarks.jar io.kraftwerk.bench.AgentRunBenchmark [--runs 15]
 * </pre>
 */
public final class AgentRunBenchmark {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path SCRATCH = ROOT.resolve("bench/target/nodes");

    private AgentRunBenchmark() {
    }

    /** One measured run: seconds and peak resident memory. */
    record Sample(double seconds, long maxRssKib) {
    }

    public static void main(String[] args) throws Exception {
        int runs = 15;
        List<String> tools = List.of("kraftwerk", "cfengine", "puppet");
        boolean firstRun = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--tools" -> tools = Arrays.asList(args[++i].split(","));
                case "--no-first-run" -> firstRun = false;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.out.printf("No-change run of %d resources (%d directories, %d files, %d users, %d packages), %d runs each%n%n",
                EquivalentPolicies.DIRECTORIES * (EquivalentPolicies.FILES_PER_DIRECTORY + 1) + EquivalentPolicies.USERS
                        + EquivalentPolicies.PACKAGES.size(), EquivalentPolicies.DIRECTORIES,
                EquivalentPolicies.DIRECTORIES * EquivalentPolicies.FILES_PER_DIRECTORY, EquivalentPolicies.USERS,
                EquivalentPolicies.PACKAGES.size(), runs);
        System.out.println("| tool | version | median wall | min | max | median peak RSS | max peak RSS |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (String tool : tools) {
            try (DisposableNode node = DisposableNode.start(SCRATCH, "bench-" + tool + ".example.net", ROOT)) {
                List<String> command = prepare(tool, node);
                String version = version(tool, node);
                node.exec(command, Duration.ofMinutes(10)); // converge
                DisposableNode.Result check = node.exec(command, Duration.ofMinutes(10));
                verifyNoChange(tool, check);
                List<Sample> samples = new ArrayList<>();
                for (int i = 0; i < runs; i++) {
                    samples.add(measure(node, command));
                }
                report(tool, version, samples);
            }
        }
        if (firstRun) {
            firstRunToServingApp();
        }
    }

    private static List<String> prepare(String tool, DisposableNode node) throws Exception {
        switch (tool) {
            case "kraftwerk" -> {
                Files.write(node.path("/root/bench.json"), ModelJson.writeBytes(EquivalentPolicies.kraftwerk("bench-kraftwerk")));
                return List.of(ROOT.resolve("bin/kw-agent").toString(), "apply", "/root/bench.json");
            }
            case "puppet" -> {
                install(node, "puppet-agent");
                Files.writeString(node.path("/root/bench.pp"), EquivalentPolicies.puppet());
                return List.of("puppet", "apply", "--detailed-exitcodes", "/root/bench.pp");
            }
            case "cfengine" -> {
                install(node, "cfengine3");
                // what masterfiles' update policy does: put the vendored apt_get package module in place
                node.exec(List.of("install", "-D", "-m", "0755",
                        "/usr/share/cfengine3/masterfiles/modules/packages/vendored/apt_get.mustache",
                        "/var/lib/cfengine3/modules/packages/apt_get")).orThrow();
                Files.writeString(node.path("/root/bench.cf"), EquivalentPolicies.cfengine());
                return List.of("cf-agent", "--no-lock", "--file", "/root/bench.cf");
            }
            default -> throw new IllegalArgumentException("unknown tool " + tool);
        }
    }

    private static void install(DisposableNode node, String pkg) throws Exception {
        DisposableNode.Result r = node.exec(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q",
                pkg), Duration.ofMinutes(10));
        if (r.exitCode() != 0) {
            throw new IllegalStateException(pkg + " is not installable offline; fetch it first with"
                    + " 'apt-get install --download-only -y " + pkg + "':\n" + r.stdout() + r.stderr());
        }
    }

    private static String version(String tool, DisposableNode node) throws Exception {
        List<String> argv = switch (tool) {
            case "kraftwerk" -> List.of(ROOT.resolve("bin/kw-agent").toString(), "--version");
            case "puppet" -> List.of("puppet", "--version");
            default -> List.of("cf-agent", "--version");
        };
        DisposableNode.Result r = node.exec(argv);
        return (r.stdout() + r.stderr()).lines().findFirst().orElse("?").strip();
    }

    /** The measurement is only fair if the run really had nothing to do. */
    private static void verifyNoChange(String tool, DisposableNode.Result r) {
        boolean quiet = switch (tool) {
            case "kraftwerk", "puppet" -> r.exitCode() == 0;
            default -> r.exitCode() == 0 && !(r.stdout() + r.stderr()).contains("info:");
        };
        if (!quiet) {
            throw new IllegalStateException(tool + " still had changes to make on its second run (exit " + r.exitCode()
                    + "):\n" + r.stdout() + r.stderr());
        }
    }

    private static Sample measure(DisposableNode node, List<String> command) throws Exception {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/time", "--format", "KWTIME %e %M"));
        argv.addAll(command);
        DisposableNode.Result r = node.exec(argv, Duration.ofMinutes(5));
        String line = r.stderr().lines().filter(l -> l.startsWith("KWTIME ")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("no timing from /usr/bin/time: " + r.stderr()));
        String[] f = line.split(" ");
        return new Sample(Double.parseDouble(f[1]), Long.parseLong(f[2]));
    }

    private static void report(String tool, String version, List<Sample> samples) {
        List<Double> wall = samples.stream().map(Sample::seconds).sorted().toList();
        List<Long> rss = samples.stream().map(Sample::maxRssKib).sorted().toList();
        System.out.printf(Locale.ROOT, "| %s | %s | %.2f s | %.2f s | %.2f s | %.1f MiB | %.1f MiB |%n", tool, version,
                median(wall), wall.get(0), wall.get(wall.size() - 1), medianLong(rss) / 1024.0, rss.get(rss.size() - 1) / 1024.0);
    }

    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double medianLong(List<Long> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
    }

    /** web1 of the example site, from a bare node to the app answering through nginx (packages cached). */
    private static void firstRunToServingApp() throws Exception {
        try (DisposableNode node = DisposableNode.start(SCRATCH, "web1.example.net", ROOT)) {
            SampleApps apps = SampleApps.build(ROOT, SCRATCH);
            apps.seed(node);
            var site = SiteParser.parse(
                    DirectoryManifests.load(ROOT.resolve("manifests")));
            var catalog = CatalogCompiler.compile(site,
                    new CompileRequest("web1.example.net", null, null, Map.of(), apps.index(),
                            new DecryptingOpener(new SecretsKeys(ROOT.resolve("examples/secrets-key")))));
            Files.write(node.path("/root/web1.json"), ModelJson.writeBytes(catalog));
            long start = System.nanoTime();
            DisposableNode.Result run = node.exec(List.of(ROOT.resolve("bin/kw-agent").toString(), "apply", "/root/web1.json"),
                    Duration.ofMinutes(10));
            double applied = (System.nanoTime() - start) / 1e9;
            String status;
            do {
                status = node.exec(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: hello.example.net",
                        "http://127.0.0.1/")).stdout();
            } while (!status.equals("200") && System.nanoTime() - start < 120_000_000_000L);
            double serving = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%nFirst run of web1 (%d resources) on a bare node: kw-agent apply took %.1f s"
                    + " (exit %d); the app answered through nginx %.1f s after the run started.%n",
                    catalog.resources().size(), applied, run.exitCode(), serving);
        }
    }
}
