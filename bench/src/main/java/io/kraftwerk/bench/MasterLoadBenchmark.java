package io.kraftwerk.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import io.kraftwerk.master.util.Gzip;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.CatalogSource;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.EventStatus;
import io.kraftwerk.model.report.Metrics;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.report.RunMode;
import io.kraftwerk.model.report.RunStatus;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.HostBridge;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import io.kraftwerk.testkit.PostgresServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * Load on the master: N simulated agents, each with its own certificate from the master's CA,
 * fetch catalogs and post reports over mutual TLS at concurrency 16 and 256. Three phases:
 * <ul>
 *   <li><b>fresh</b>: every request carries facts never seen before, so every answer is a compile;</li>
 *   <li><b>304</b>: agents send the ETag of the catalog they have: the cache answers 304;</li>
 *   <li><b>report</b>: agents post a 200-resource report, stored durably.</li>
 * </ul>
 * The same fresh-compile load goes to Debian's puppetserver (in a disposable node on a host bridge)
 * serving the equivalent Puppet manifest; puppetserver compiles every catalog request (it has no
 * catalog cache), so its "fresh" row is also what each of its agents' runs costs it. Peak RSS is
 * each server JVM's VmHWM at the end.
 *
 * <pre>
 * ./mvnw -q -DskipTests package
 * apt-get install --download-only -y puppetserver        # the peer, into apt's cache
 * java -cp bench/target/benchmarks.jar io.kraftwerk.bench.MasterLoadBenchmark [--agents 256] [--seconds 20]
 *      [--warmup 5] [--concurrency 16,256] [--servers kraftwerk,puppetserver] [--phases fresh,304,report]
 *      [--report-encoding gzip|identity]
 *      [--puppet-seconds 60] [--puppet-warmup 45] [--master-java-options "..."] [--database h2|postgresql]
 * </pre>
 */
public final class MasterLoadBenchmark {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path WORK = ROOT.resolve("bench/target/load");
    private static final AtomicLong UNIQUE = new AtomicLong();

    private MasterLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // the master's classes log through JBoss logging; say so before anything logs
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        int agents = 256;
        Duration measured = Duration.ofSeconds(20);
        Duration warmup = Duration.ofSeconds(15); // the JIT needs it: 5 s left compiling in the first row (docs/benchmarks.md)
        List<Integer> concurrency = List.of(16, 256);
        List<String> servers = List.of("kraftwerk", "puppetserver");
        // puppetserver answers a catalog in about a tenth of a second: at concurrency 256 its queue
        // takes half a minute to fill, so it gets a longer warm-up and window
        Duration puppetMeasured = Duration.ofSeconds(60);
        Duration puppetWarmup = Duration.ofSeconds(45);
        String masterJavaOptions = "";
        List<String> phases = List.of("fresh", "304", "report");
        String database = "h2";
        boolean gzipReports = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--agents" -> agents = Integer.parseInt(args[++i]);
                case "--seconds" -> measured = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--concurrency" -> concurrency = Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--servers" -> servers = Arrays.asList(args[++i].split(","));
                case "--master-java-options" -> masterJavaOptions = args[++i];
                case "--phases" -> phases = Arrays.asList(args[++i].split(","));
                case "--database" -> database = args[++i];
                case "--report-encoding" -> gzipReports = switch (args[++i]) {
                    case "gzip" -> true;
                    case "identity" -> false;
                    default -> throw new IllegalArgumentException("--report-encoding is gzip (as kw-agent sends) or identity");
                };
                case "--puppet-seconds" -> puppetMeasured = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--puppet-warmup" -> puppetWarmup = Duration.ofSeconds(Long.parseLong(args[++i]));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        int maxConcurrency = concurrency.stream().mapToInt(Integer::intValue).max().orElse(1);
        if (agents < maxConcurrency) {
            throw new IllegalArgumentException("--agents must be at least the highest concurrency (" + maxConcurrency + ")");
        }
        Files.createDirectories(WORK);
        System.out.printf(Locale.ROOT, "%d agents, %d resources per catalog, %d s warm-up + %d s measured per row (puppetserver"
                + " %d + %d s), %d cores%n%n", agents, 200, warmup.toSeconds(), measured.toSeconds(), puppetWarmup.toSeconds(),
                puppetMeasured.toSeconds(), Runtime.getRuntime().availableProcessors());
        System.out.println("| server | phase | concurrency | answers/s | p50 | p99 | server CPU/answer | load generator CPU/answer | errors | 429 |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        List<String> notes = new ArrayList<>();
        for (String server : servers) {
            switch (server) {
                case "kraftwerk" -> notes.add(kraftwerk(agents, concurrency, phases, warmup, measured, masterJavaOptions, database,
                        gzipReports));
                case "puppetserver" -> notes.add(puppetserver(agents, concurrency, puppetWarmup, puppetMeasured));
                default -> throw new IllegalArgumentException("unknown server " + server);
            }
        }
        System.out.println();
        notes.forEach(System.out::println);
    }

    private static String kraftwerk(int agents, List<Integer> concurrency, List<String> phases, Duration warmup, Duration measured,
                                    String javaOptions, String database, boolean gzipReports) throws Exception {
        if (database.equals("postgresql")) {
            try (PostgresServer postgres = PostgresServer.start()) {
                Path password = Files.createDirectories(WORK).resolve("pg-password");
                Files.writeString(password, postgres.password());
                return kraftwerk(agents, concurrency, phases, warmup, measured, javaOptions, gzipReports, List.of("--database", postgres.jdbcUrl(),
                        "--database-user", PostgresServer.USER, "--database-password-file", password.toString()));
            }
        }
        return kraftwerk(agents, concurrency, phases, warmup, measured, javaOptions, gzipReports, List.of());
    }

    private static String kraftwerk(int agents, List<Integer> concurrency, List<String> phases, Duration warmup, Duration measured,
                                    String javaOptions, boolean gzipReports, List<String> databaseOptions) throws Exception {
        Path work = WORK.resolve("kraftwerk");
        deleteTree(work);
        Path site = Files.createDirectories(work.resolve("site"));
        for (Map.Entry<String, String> f : EquivalentPolicies.kraftwerkSite().entrySet()) {
            Files.createDirectories(site.resolve(f.getKey()).getParent());
            Files.writeString(site.resolve(f.getKey()), f.getValue());
        }
        GitRepo repo = GitRepo.create(work.resolve("manifests"), site, "production");
        List<String> options = new ArrayList<>(List.of("--host", "127.0.0.1", "--name", "localhost", "--ip", "127.0.0.1"));
        options.addAll(databaseOptions);
        try (MasterProcess master = MasterProcess.start(ROOT, work.resolve("data"), repo.dir().toString(), options, javaOptions)) {
            List<String> names = new ArrayList<>();
            List<AgentConnection> clients = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                NodeIdentity id = master.identity(agentName(i));
                names.add(id.certname());
                clients.add(new AgentConnection(id.sslContext(), "localhost", master.port()));
            }
            List<String> facts = new ArrayList<>();
            for (String name : names) {
                facts.add(factsTemplate(name, facts()));
            }
            // every agent fetches once: the catalogs the 304 phase asks about, and a check of their size
            String[] etags = new String[agents];
            int catalogBytes = 0;
            for (int i = 0; i < agents; i++) {
                AgentConnection.Response r = clients.get(i).exchange(catalogRequest(names.get(i), facts.get(i), null, false));
                if (r.status() != 200) {
                    throw new IllegalStateException("the master answered " + r.status() + ": " + new String(r.body()));
                }
                Catalog catalog = ModelJson.readCatalog(r.body(), "catalog");
                if (catalog.resources().size() != 200) {
                    throw new IllegalStateException("the bench site compiles to " + catalog.resources().size() + " resources, not 200");
                }
                etags[i] = r.headers().get("etag");
                catalogBytes = r.body().length;
            }
            Catalog sample = ModelJson.readCatalog(clients.get(0).exchange(catalogRequest(names.get(0), facts.get(0), null, false))
                    .body(), "catalog");
            List<String> reports = new ArrayList<>();
            for (String name : names) {
                reports.add(report(name, sample));
            }
            DoubleSupplier cpu = () -> LoadPhase.cpuSeconds(master.pid());
            for (int c : concurrency) {
                if (phases.contains("fresh")) {
                    print(LoadPhase.run("fresh compile", clients, c, 200,
                            (agent, seq) -> catalogRequest(names.get(agent), facts.get(agent), null, true), warmup, measured, cpu), "kraftwerk");
                }
                if (phases.contains("304")) {
                    print(LoadPhase.run("304 (cached)", clients, c, 304,
                        (agent, seq) -> catalogRequest(names.get(agent), facts.get(agent), etags[agent], false), warmup, measured, cpu),
                        "kraftwerk");
                }
                if (phases.contains("report")) {
                    print(LoadPhase.run("report", clients, c, 201,
                            (agent, seq) -> reportRequest(names.get(agent), reports.get(agent), gzipReports), warmup, measured, cpu), "kraftwerk");
                }
            }
            return String.format(Locale.ROOT, "kw-master: peak RSS %.0f MiB; catalog %d bytes; JVM options '%s'",
                    master.peakRssKib() / 1024.0, catalogBytes, javaOptions);
        }
    }

    private static String puppetserver(int agents, List<Integer> concurrency, Duration warmup, Duration measured) throws Exception {
        Path scratch = WORK.resolve("nodes");
        try (HostBridge bridge = HostBridge.create("10.0.0.1", 24);
             PuppetServerNode puppet = PuppetServerNode.start(scratch, ROOT, bridge, "10.0.0.2", EquivalentPolicies.puppetSite())) {
            List<String> names = new ArrayList<>();
            List<AgentConnection> clients = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                NodeIdentity id = puppet.issue(agentName(i));
                names.add(id.certname());
                clients.add(new AgentConnection(id.sslContext(), puppet.address(), 8140));
            }
            List<String> facts = new ArrayList<>();
            for (String name : names) {
                facts.add(factsTemplate(name, facts()));
            }
            AgentConnection.Response first = clients.get(0).exchange(puppetCatalogRequest(names.get(0), facts.get(0)));
            if (first.status() != 200) {
                throw new IllegalStateException("puppetserver answered " + first.status() + ": " + new String(first.body()));
            }
            int resources = ModelJson.mapper().readTree(first.body()).get("resources").size();
            for (int c : concurrency) {
                print(LoadPhase.run("fresh compile", clients, c, 200,
                        (agent, seq) -> puppetCatalogRequest(names.get(agent), facts.get(agent)), warmup, measured, puppet::cpuSeconds),
                        "puppetserver " + puppet.version());
            }
            return String.format(Locale.ROOT, "puppetserver %s: peak RSS %.0f MiB; catalog %d bytes, %d resources (with Puppet's"
                    + " Stage, Class and Node entries); Debian's JAVA_ARGS and max-active-instances default",
                    puppet.version(), puppet.peakRssKib() / 1024.0, first.body().length, resources);
        }
    }

    private static void print(LoadPhase.Result r, String server) {
        System.out.println(r.row(server));
        if (r.firstError() != null && r.errors() > 0) {
            System.out.println("  first error: " + r.firstError());
        }
    }

    static String agentName(int i) {
        return String.format(Locale.ROOT, "load%04d.example.net", i);
    }

    /** The example web node's facts: what a real agent sends. */
    static Map<String, Object> facts() throws Exception {
        return ModelJson.mapper().readValue(Files.readAllBytes(ROOT.resolve("manifests/facts/web1.example.net.json")),
                new TypeReference<Map<String, Object>>() { });
    }

    private static final String UNIQUE_MARK = "\"@@unique@@\"";

    /**
     * The node's facts as JSON text, with a mark where a never-seen value goes for fresh
     * compiles (made once per agent, so the load generator spends its CPU on requests, not JSON).
     */
    static String factsTemplate(String node, Map<String, Object> base) {
        Map<String, Object> f = new TreeMap<>(base);
        f.put("fqdn", node);
        f.put("hostname", node.substring(0, node.indexOf('.')));
        f.put("uptime_seconds", "@@unique@@");
        return new String(ModelJson.writeCompactBytes(f), StandardCharsets.UTF_8);
    }

    /** The facts with a new uptime (never seen before: the cache cannot answer), or a fixed one. */
    private static String facts(String template, boolean unique) {
        return template.replace(UNIQUE_MARK, unique ? Long.toString(newFacts()) : "0");
    }

    /** A value of the facts never sent before. */
    static long newFacts() {
        return UNIQUE.incrementAndGet();
    }

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    static AgentConnection.Request catalogRequest(String node, String factsTemplate, String etag, boolean unique) {
        return catalogRequest(node, factsTemplate, etag, unique ? newFacts() : 0);
    }

    /** A catalog request with the facts of that {@code generation} (the same facts as the last request with it). */
    static AgentConnection.Request catalogRequest(String node, String factsTemplate, String etag, long generation) {
        return new AgentConnection.Request("POST", "/v1/catalogs/" + node,
                etag == null ? JSON : Map.of("Content-Type", "application/json", "If-None-Match", etag),
                factsTemplate.replace(UNIQUE_MARK, Long.toString(generation)).getBytes(StandardCharsets.UTF_8));
    }

    private static final String RUN_ID_MARK = "00000000-0000-0000-0000-000000000000";

    private static final Map<String, String> GZIPPED_JSON = Map.of("Content-Type", "application/json", "Content-Encoding", "gzip");

    /**
     * A new run of the agent's report template: its own run id (the master stores each once), sent
     * as kw-agent sends it (gzip at the fastest level), or as plain JSON as agents before issue 17 did.
     */
    static AgentConnection.Request reportRequest(String node, String template, boolean gzip) {
        byte[] json = template.replace(RUN_ID_MARK, UUID.randomUUID().toString()).getBytes(StandardCharsets.UTF_8);
        if (!gzip) {
            return new AgentConnection.Request("POST", "/v1/reports/" + node, JSON, json);
        }
        return new AgentConnection.Request("POST", "/v1/reports/" + node, GZIPPED_JSON, Gzip.pack(json));
    }

    /** As puppet agent 7 asks: a form with the facts as JSON (new facts every time, like a real run's uptime). */
    private static AgentConnection.Request puppetCatalogRequest(String node, String factsTemplate) {
        String wrapped = "{\"name\":\"" + node + "\",\"values\":" + facts(factsTemplate, true) + "}";
        String form = "environment=production&facts_format=application%2Fjson&transaction_uuid=" + UUID.randomUUID()
                + "&facts=" + URLEncoder.encode(wrapped, StandardCharsets.UTF_8);
        return new AgentConnection.Request("POST", "/puppet/v3/catalog/" + node,
                Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"),
                form.getBytes(StandardCharsets.UTF_8));
    }

    /** A no-change run's report of the catalog: every resource in sync; its run id is {@link #RUN_ID_MARK}. */
    private static String report(String node, Catalog catalog) {
        return report(node, catalog, 0);
    }

    /**
     * A run's report of the catalog, its run id {@link #RUN_ID_MARK}: every resource in sync but the first
     * {@code drifted}, each found changed behind the agent's back and put back (a corrective change of its mode).
     */
    static String report(String node, Catalog catalog, int drifted) {
        List<ResourceReport> resources = new ArrayList<>();
        Map<String, Long> millis = new TreeMap<>();
        for (CatalogResource r : catalog.resources()) {
            boolean drift = resources.size() < drifted;
            resources.add(new ResourceReport(r.id(), r.resource().type().wireName(), drift ? ResourceStatus.CHANGED
                    : ResourceStatus.IN_SYNC, r.provenance(), drift ? 1 : 0, drift ? 1 : 0, drift, false, "", 1, drift
                    ? List.of(new Event("mode", "0666", "0644", EventStatus.SUCCESS, "mode changed 0666 to 0644", true, null))
                    : List.of()));
            millis.merge(r.resource().type().wireName(), 1L, Long::sum);
        }
        int inSync = resources.size() - drifted;
        Map<String, Integer> counts = new TreeMap<>(Map.of("in_sync", inSync));
        if (drifted > 0) {
            counts.put("changed", drifted);
        }
        Metrics metrics = new Metrics(new TreeMap<>(counts), resources.size(), drifted, drifted, drifted, new TreeMap<>(millis),
                resources.size());
        return new String(ModelJson.writeBytes(new Report(Report.FORMAT_VERSION, node, RUN_ID_MARK, catalog.version(),
                catalog.environment(), RunMode.ENFORCE, Instant.now(), 420, drifted > 0 ? RunStatus.CHANGED : RunStatus.UNCHANGED,
                false, drifted > 0, CatalogSource.FRESH, "", resources, metrics, List.of())), StandardCharsets.UTF_8);
    }

    /** Removes a directory tree (the benchmarks start from an empty work directory). */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
