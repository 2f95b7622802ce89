package io.kraftwerk.bench;

import io.kraftwerk.master.compile.ArtifactIndex;
import io.kraftwerk.master.compile.CatalogCompiler;
import io.kraftwerk.master.compile.CompileRequest;
import io.kraftwerk.master.compile.SecretOpener;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.master.manifest.ManifestFiles;
import io.kraftwerk.master.secrets.DecryptingOpener;
import io.kraftwerk.master.secrets.SecretsKey;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.ArtifactRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * Compile time on a warm JVM, reported as percentiles (SampleTime): the p0.50 line is the median.
 * <ul>
 *   <li>{@code compile}: one node's catalog from a parsed site (what the master does per request
 *       once a commit is parsed);</li>
 *   <li>{@code parseAndCompile}: parse every manifest file, then compile (a cold commit);</li>
 *   <li>{@code compileAndSerialize}: compile plus writing the catalog JSON.</li>
 * </ul>
 * Run: {@code java -jar bench/target/benchmarks.jar CompileBenchmark} from the repository root.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CompileBenchmark {
    /**
     * {@code synthetic-N}: a generated site of about N resources ({@code -encM}: M of its files' content
     * from encrypted values; {@code -dataM}: from plain data values, the same lookups); otherwise an
     * example-site node (its encrypted values opened with the example key).
     */
    @Param({"synthetic-500", "synthetic-500-data50", "synthetic-500-enc50", "web1.example.net", "db1.example.net", "lb1.example.net"})
    public String target;

    private ManifestFiles files;
    private Site site;
    private String node;
    private SecretsKeys keys;
    private ArtifactIndex artifacts = ArtifactIndex.EMPTY;
    /** As the master holds it: one opener per key directory, remembering what it opened. */
    private SecretOpener secrets;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        if (target.startsWith("synthetic-")) {
            String[] parts = target.split("-");
            keys = new SecretsKeys(Files.createTempDirectory("kw-bench-keys"));
            SecretsKey key = keys.rotate();
            int values = parts.length > 2 ? Integer.parseInt(parts[2].replaceAll("[a-z]", "")) : 0;
            files = SyntheticSite.generate(Integer.parseInt(parts[1]), values, parts.length > 2 && parts[2].startsWith("enc") ? key : null);
            node = SyntheticSite.NODE;
        } else {
            Path manifests = Path.of(System.getProperty("kraftwerk.manifests", "manifests"));
            files = DirectoryManifests.load(manifests);
            keys = new SecretsKeys(manifests.toAbsolutePath().resolveSibling("examples").resolve("secrets-key"));
            // the example apps' artifacts, as the golden test of the example site has them (made-up digests)
            artifacts = ArtifactIndex.of(List.of(ModelJson.mapper().readValue(manifests.toAbsolutePath()
                    .resolveSibling("master/src/test/resources/example-site/artifacts.json").toFile(), ArtifactRef[].class)));
            node = target;
        }
        secrets = new DecryptingOpener(keys);
        site = SiteParser.parse(files);
        Catalog catalog = CatalogCompiler.compile(site, request());
        System.out.println("\n" + target + ": " + catalog.resources().size() + " resources, "
                + catalog.edges().size() + " edges");
    }

    private CompileRequest request() {
        return new CompileRequest(node, null, null, null, artifacts, secrets);
    }

    @Benchmark
    public Catalog compile() throws Exception {
        return CatalogCompiler.compile(site, request());
    }

    /** The first compile after the keys changed (or the master started): every value decrypted, none remembered. */
    @Benchmark
    public Catalog compileFreshKeys() throws Exception {
        return CatalogCompiler.compile(site, new CompileRequest(node, null, null, null, artifacts, new DecryptingOpener(keys)));
    }

    @Benchmark
    public Catalog parseAndCompile() throws Exception {
        return CatalogCompiler.compile(SiteParser.parse(files), request());
    }

    @Benchmark
    public byte[] compileAndSerialize() throws Exception {
        return ModelJson.writeBytes(CatalogCompiler.compile(site, request()));
    }
}
