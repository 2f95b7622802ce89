package io.kraftwerk.bench;

import io.kraftwerk.master.compile.ArtifactIndex;
import io.kraftwerk.master.compile.Facts;
import io.kraftwerk.master.compile.FleetNode;
import io.kraftwerk.master.compile.FleetSnapshot;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.diff.CommitDiff;
import io.kraftwerk.master.diff.DiffReport;
import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.master.manifest.ManifestFiles;
import io.kraftwerk.master.secrets.DecryptingOpener;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.ArtifactRef;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a commit changes on a whole fleet, as the master computes it for {@code kw-master diff} and the
 * dashboard's environment page: every node compiled at two commits (with its own facts and the fleet
 * snapshot) and the catalogs compared, on all cores. The fleet is the example site grown to
 * {@code nodes} nodes: 1 in 100 a load balancer (whose upstreams read the whole web pool through
 * {@code ${fleet.web_backends}}), 1 in 5 a database node, the rest web nodes; each with the example's
 * facts of its kind, its own name and address. The commit changes the motd template (every node
 * changes one file) and the load balancers' upload limit.
 * Run: {@code java -jar bench/target/benchmarks.jar DiffBenchmark} from the repository root.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(1)
public class DiffBenchmark {
    @Param({"1000"})
    public int nodes;

    private Site before;
    private Site after;
    private List<CommitDiff.Target> targets;
    private CommitDiff.Inputs inputs;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path manifests = Path.of(System.getProperty("kraftwerk.manifests", "manifests"));
        SortedMap<String, byte[]> files = new TreeMap<>(DirectoryManifests.load(manifests).files());
        // any web node compiles: web1's app secret key for the role, not per node
        String secretKey = new String(files.get("data/nodes/web1.example.net.yaml"), StandardCharsets.UTF_8).lines()
                .filter(l -> l.strip().startsWith("secret_key:")).findFirst().orElseThrow();
        files.put("data/roles/web.yaml", new String(files.get("data/roles/web.yaml"), StandardCharsets.UTF_8)
                .replaceFirst("(?m)^  hello:\n", "  hello:\n" + secretKey + "\n").getBytes(StandardCharsets.UTF_8));
        files.put("site.yaml", new String(files.get("site.yaml"), StandardCharsets.UTF_8)
                .replace("  - name: db1.example.net\n", "  - glob: \"db*.example.net\"\n")
                .replace("  - name: lb1.example.net\n", "  - glob: \"lb*.example.net\"\n").getBytes(StandardCharsets.UTF_8));
        before = SiteParser.parse(new ManifestFiles("sha256:before", files));
        SortedMap<String, byte[]> changed = new TreeMap<>(files);
        changed.put("templates/motd.txt", (new String(files.get("templates/motd.txt"), StandardCharsets.UTF_8)
                + "Maintenance: Sundays 04:00 UTC\n").getBytes(StandardCharsets.UTF_8));
        changed.put("roles/lb.yaml", new String(files.get("roles/lb.yaml"), StandardCharsets.UTF_8)
                .replace("client_max_body_size: 10m", "client_max_body_size: 20m").getBytes(StandardCharsets.UTF_8));
        after = SiteParser.parse(new ManifestFiles("sha256:after", changed));
        if (!before.problems().isEmpty() || !after.problems().isEmpty()) {
            throw new IllegalStateException("the benchmark's site does not parse: " + before.problems() + after.problems());
        }

        targets = new ArrayList<>(nodes);
        List<FleetNode> fleet = new ArrayList<>(nodes);
        for (int i = 1; i <= nodes; i++) {
            String kind = i % 100 == 0 ? "lb" : i % 5 == 0 ? "db" : "web";
            String name = kind + i + ".example.net";
            String ip = "10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256);
            String json = Files.readString(manifests.resolve("facts/" + kind + "1.example.net.json"))
                    .replace(kind + "1", kind + i).replace("10.0.0." + switch (kind) {
                        case "web" -> "11";
                        case "db" -> "21";
                        default -> "31";
                    }, ip);
            Facts facts = Facts.parse(name, json.getBytes(StandardCharsets.UTF_8));
            List<String> roles = switch (kind) {
                case "web" -> List.of("base", "bookworm", "web");
                case "db" -> List.of("base", "bookworm", "db");
                default -> List.of("base", "bookworm", "lb");
            };
            fleet.add(new FleetNode(name, "production", roles, facts, FleetNode.Standing.REPORTING));
            targets.add(new CommitDiff.Target(name, facts, Map.of()));
        }
        ArtifactIndex artifacts = ArtifactIndex.of(List.of(ModelJson.mapper().readValue(manifests.toAbsolutePath()
                .resolveSibling("master/src/test/resources/example-site/artifacts.json").toFile(), ArtifactRef[].class)));
        FleetSnapshot snapshot = new FleetSnapshot(fleet);
        inputs = new CommitDiff.Inputs("production", artifacts,
                new DecryptingOpener(new SecretsKeys(manifests.toAbsolutePath().resolveSibling("examples").resolve("secrets-key"))),
                snapshot, snapshot);
        DiffReport report = diff();
        System.out.println("\n" + report.text().lines().reduce((a, b) -> b).orElse("") + " ("
                + Runtime.getRuntime().availableProcessors() + " threads)");
        if (report.failed() || report.results().stream().anyMatch(r -> r.diff() == null || r.diff().isEmpty())) {
            throw new IllegalStateException("every node should compile and change:\n" + report.text().substring(0, 2000));
        }
    }

    @Benchmark
    public DiffReport diff() throws InterruptedException {
        return CommitDiff.compute(before, after, targets, inputs, Runtime.getRuntime().availableProcessors());
    }
}
