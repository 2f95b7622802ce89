package io.kraftwerk.bench;

import io.kraftwerk.master.ca.Pem;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import io.kraftwerk.testkit.PostgresServer;
import java.io.StringWriter;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A simulated fleet against two masters that share one PostgreSQL and nothing else (docs/scaling.md):
 * N agents (10,000) enrol through the masters' CA routes (a key and a request each, autosigned by a
 * name glob, half through each master), then run on a splayed schedule with the run interval
 * compressed in time (30 minutes → {@code --interval} seconds), for {@code --minutes}. Each run is
 * what kw-agent does: a new TLS connection with the node's certificate to either master (a load
 * balancer's pick), the catalog asked for with the ETag of the last one (facts changed on a share of
 * runs: a compile; otherwise a 304), then a gzip report (with drift on a share of runs). Meanwhile a
 * signed-in operator loads the dashboard and the fleet summary every two seconds. One interval per
 * master of warm-up (each master compiles every agent's catalog once for its own cache), then the
 * measured window.
 *
 * <p>Reported: enrolment rate; runs started against runs due and how late they started (the
 * fleet falling behind); per answer kind the count, p50, p99 and max; 429s and errors; the
 * database's growth per run and per day of the real fleet (N nodes every 30 minutes); dashboard
 * latency during the load; each master's CPU and peak RSS.
 *
 * <pre>
 * ./mvnw -q -DskipTests package
 * java -cp bench/target/benchmarks.jar io.kraftwerk.bench.FleetSimulationBenchmark [--agents 10000] [--minutes 10]
 *      [--interval 120] [--fact-changes 0.05] [--drift 0.05] [--threads 64] [--master-java-options "..."]
 * </pre>
 */
public final class FleetSimulationBenchmark {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path WORK = ROOT.resolve("bench/target/fleet");
    private static final Duration REAL_INTERVAL = Duration.ofMinutes(30);

    private FleetSimulationBenchmark() {
    }

    /** One simulated node: its identity, facts and what it last got. */
    private static final class Agent {
        final NodeIdentity identity;
        final String factsTemplate;
        volatile String etag;
        volatile long facts;
        final AtomicInteger runs = new AtomicInteger();

        Agent(NodeIdentity identity, String factsTemplate) {
            this.identity = identity;
            this.factsTemplate = factsTemplate;
        }
    }

    /** Latencies and statuses of one kind of answer, collected from many threads. */
    private static final class Tally {
        private final String name;
        private final List<Long> nanos = new ArrayList<>();
        private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

        Tally(String name) {
            this.name = name;
        }

        void add(int status, long elapsed) {
            statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
            synchronized (nanos) {
                nanos.add(elapsed);
            }
        }

        String row() {
            long[] sorted;
            synchronized (nanos) {
                sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
            }
            if (sorted.length == 0) {
                return String.format(Locale.ROOT, "| %s | 0 | | | | |", name);
            }
            return String.format(Locale.ROOT, "| %s | %d | %.1f ms | %.1f ms | %.1f ms | %s |", name, sorted.length,
                    sorted[sorted.length / 2] / 1e6, sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6,
                    sorted[sorted.length - 1] / 1e6, new TreeMap<>(statuses));
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        int agents = 10_000;
        Duration measured = Duration.ofMinutes(10);
        Duration interval = Duration.ofSeconds(120);
        double factChanges = 0.05;
        double drift = 0.05;
        int threads = 64;
        String javaOptions = "-Dkraftwerk.master.ca-requests-per-minute=1000000";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--agents" -> agents = Integer.parseInt(args[++i]);
                case "--minutes" -> measured = Duration.ofSeconds(Math.round(Double.parseDouble(args[++i]) * 60));
                case "--interval" -> interval = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--fact-changes" -> factChanges = Double.parseDouble(args[++i]);
                case "--drift" -> drift = Double.parseDouble(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--master-java-options" -> javaOptions = javaOptions + " " + args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        MasterLoadBenchmark.deleteTree(WORK);
        Files.createDirectories(WORK);
        Path site = WORK.resolve("site");
        for (Map.Entry<String, String> f : EquivalentPolicies.kraftwerkSite().entrySet()) {
            Files.createDirectories(site.resolve(f.getKey()).getParent());
            Files.writeString(site.resolve(f.getKey()), f.getValue());
        }
        GitRepo repo = GitRepo.create(WORK.resolve("manifests"), site, "production");
        System.out.printf(Locale.ROOT, "%d agents, run interval %d s (30 min compressed %.0f×: the request rate of %d nodes), %d s"
                + " measured after two intervals of warm-up, facts changed on %.0f%% of runs, drift on %.0f%%, %d client threads, %d cores%n%n",
                agents, interval.toSeconds(), REAL_INTERVAL.toSeconds() / (double) interval.toSeconds(),
                agents * REAL_INTERVAL.toSeconds() / interval.toSeconds(), measured.toSeconds(), factChanges * 100, drift * 100,
                threads, Runtime.getRuntime().availableProcessors());
        try (PostgresServer postgres = PostgresServer.start()) {
            Path password = WORK.resolve("pg-password");
            Files.writeString(password, postgres.password());
            List<String> options = new ArrayList<>(List.of("--host", "127.0.0.1", "--name", "localhost", "--ip", "127.0.0.1",
                    "--autosign-glob", "sim*.example.net", "--database", postgres.jdbcUrl(), "--database-user", PostgresServer.USER,
                    "--database-password-file", password.toString()));
            try (MasterProcess a = MasterProcess.start(ROOT, WORK.resolve("a"), repo.dir().toString(), options, javaOptions)) {
                Files.createDirectories(WORK.resolve("b/ca"));
                for (String file : List.of("ca_key.pem", "ca_crt.pem")) {
                    Files.copy(a.caDir().resolve(file), WORK.resolve("b/ca").resolve(file));
                }
                try (MasterProcess b = MasterProcess.start(ROOT, WORK.resolve("b"), repo.dir().toString(), options, javaOptions)) {
                    simulate(List.of(a, b), postgres, agents, measured, interval, factChanges, drift, threads);
                }
            }
        }
    }

    private static void simulate(List<MasterProcess> masters, PostgresServer postgres, int count, Duration measured, Duration interval,
                                 double factChanges, double drift, int threads) throws Exception {
        X509Certificate ca = NodeIdentity.readCertificate(masters.get(0).caCertificate());
        Map<String, Object> facts = MasterLoadBenchmark.facts();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // enrolment: a key and a request each, through either master, the certificate fetched from the other
            Tally requests = new Tally("enrol: request (autosigned)");
            Tally certificates = new Tally("enrol: certificate");
            long enrolStart = System.nanoTime();
            List<Future<Agent>> enrolling = new ArrayList<>();
            SSLContext anonymous = NodeIdentity.anonymous(ca);
            for (int i = 0; i < count; i++) {
                String name = String.format(Locale.ROOT, "sim%05d.example.net", i);
                MasterProcess to = masters.get(i % 2);
                MasterProcess from = masters.get((i + 1) % 2);
                enrolling.add(pool.submit(() -> enrol(name, to, from, anonymous, ca, requests, certificates,
                        MasterLoadBenchmark.factsTemplate(name, facts))));
            }
            List<Agent> agents = new ArrayList<>();
            for (Future<Agent> f : enrolling) {
                agents.add(f.get(30, TimeUnit.MINUTES));
            }
            double enrolSeconds = (System.nanoTime() - enrolStart) / 1e9;
            System.out.printf(Locale.ROOT, "enrolment: %d nodes in %.1f s, %.0f/s through both masters%n%n", count, enrolSeconds,
                    count / enrolSeconds);

            // one report of each kind to send again (each with a new run id): the catalog the site compiles to
            Agent first = agents.get(0);
            AgentConnection.Response sampled;
            try (AgentConnection c = new AgentConnection(first.identity.sslContext(), "localhost", masters.get(0).port())) {
                sampled = c.exchange(MasterLoadBenchmark.catalogRequest(first.identity.certname(), first.factsTemplate, null, false));
            }
            if (sampled.status() != 200) {
                throw new IllegalStateException("the master answered " + sampled.status() + ": " + new String(sampled.body(),
                        StandardCharsets.UTF_8));
            }
            Catalog catalog = ModelJson.readCatalog(sampled.body(), "catalog");

            Tally compiled = new Tally("catalog, facts changed (compiled)");
            Tally cached = new Tally("catalog, same facts (from the cache)");
            Tally refused = new Tally("catalog, refused or failed");
            Tally reports = new Tally("report (201)");
            Tally reportsRefused = new Tally("report, refused or failed");
            Tally lateness = new Tally("run started late by");
            AtomicLong due = new AtomicLong();
            // the latest start in each minute of the measured window: where the fleet fell behind, if it did
            AtomicLongArray latestByMinute = new AtomicLongArray((int) Math.max(1, measured.toMinutes()));
            AtomicLong done = new AtomicLong();
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setURL(postgres.jdbcUrl());
            pg.setUser(PostgresServer.USER);
            pg.setPassword(postgres.password());

            long intervalNanos = interval.toNanos();
            long start = System.nanoTime();
            // one interval per master of warm-up: an agent's runs alternate between the masters, and each master keeps its own
            // catalog cache, so an agent's second run is the first its other master compiles for it
            long measureFrom = start + intervalNanos * masters.size();
            long end = measureFrom + measured.toNanos();
            PriorityQueue<long[]> schedule = new PriorityQueue<>((x, y) -> Long.compare(x[0], y[0]));
            for (int i = 0; i < count; i++) {
                // the agent's own moment in the interval, from a hash of its name (kw-agent's schedule takes whole seconds of
                // a SHA-256 of it: as spread, in coarser steps)
                long offset = Math.floorMod((long) agents.get(i).identity.certname().hashCode() * 2654435761L, intervalNanos);
                schedule.add(new long[] {start + offset, i});
            }
            Dashboard dashboard = new Dashboard(masters.get(0));
            Thread operator = new Thread(() -> dashboard.watch(measureFrom, end), "operator");
            operator.start();
            long[] cpuBefore = new long[masters.size()];
            long[] compilesBefore = new long[masters.size()];
            long sizeBefore = -1;
            long historyBefore = -1;
            boolean measuring = false;
            while (true) {
                long[] next = schedule.poll();
                long now = System.nanoTime();
                if (next[0] >= end) {
                    break;
                }
                if (!measuring && next[0] >= measureFrom) {
                    measuring = true;
                    sizeBefore = databaseSize(pg);
                    historyBefore = historySize(pg);
                    for (int m = 0; m < masters.size(); m++) {
                        compilesBefore[m] = compiles(masters.get(m));
                    }
                    for (int m = 0; m < masters.size(); m++) {
                        cpuBefore[m] = Math.round(LoadPhase.cpuSeconds(masters.get(m).pid()) * 1e9);
                    }
                }
                if (next[0] > now) {
                    TimeUnit.NANOSECONDS.sleep(next[0] - now);
                }
                Agent agent = agents.get((int) next[1]);
                long scheduled = next[0];
                boolean counted = measuring;
                if (counted) {
                    due.incrementAndGet();
                }
                pool.submit(() -> {
                    long started = System.nanoTime();
                    MasterProcess master = masters.get((int) ((next[1] + agent.runs.getAndIncrement()) % masters.size()));
                    run(agent, master, catalog, factChanges, drift, counted ? new Tally[] {compiled, cached, refused, reports,
                        reportsRefused} : null);
                    if (counted) {
                        lateness.add(0, started - scheduled);
                        latestByMinute.accumulateAndGet((int) Math.min(latestByMinute.length() - 1,
                                TimeUnit.NANOSECONDS.toMinutes(scheduled - measureFrom)), started - scheduled, Math::max);
                        done.incrementAndGet();
                    }
                    return null;
                });
                schedule.add(new long[] {next[0] + intervalNanos, next[1]});
            }
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.MINUTES);
            operator.join();
            long sizeAfter = databaseSize(pg);
            long historyAfter = historySize(pg);
            double seconds = measured.toNanos() / 1e9;
            System.out.println("| answer | count | p50 | p99 | max | statuses |");
            System.out.println("|---|---:|---:|---:|---:|---|");
            for (Tally t : List.of(requests, certificates, compiled, cached, refused, reports, reportsRefused, lateness,
                    dashboard.overview, dashboard.summary)) {
                System.out.println(t.row());
            }
            StringBuilder minutes = new StringBuilder();
            for (int m = 0; m < latestByMinute.length(); m++) {
                minutes.append(m == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f", latestByMinute.get(m) / 1e9));
            }
            System.out.println("\nlatest start per minute of the measured window (s): " + minutes);
            long runs = done.get();
            double perDay = count * (Duration.ofDays(1).toSeconds() / (double) REAL_INTERVAL.toSeconds());
            // what is kept for the retention period is the report history; the rest of the growth is node rows rewritten
            // with their facts (dead versions vacuum reuses) and indexes
            double bytesPerRun = (historyAfter - historyBefore) / (double) runs;
            System.out.printf(Locale.ROOT, "%nruns due in the %.0f s measured: %d (%.1f/s; the real fleet: %.1f/s), %d of them done%n",
                    seconds, due.get(), due.get() / seconds, count / (double) REAL_INTERVAL.toSeconds(), runs);
            System.out.printf(Locale.ROOT, "database: %.1f MiB → %.1f MiB in all; the reports and events %.0f bytes per run: %.0f MiB"
                    + " per day of %d nodes every 30 minutes (%.1f GiB for the 30 days kept)%n", sizeBefore / 1048576.0,
                    sizeAfter / 1048576.0, bytesPerRun, bytesPerRun * perDay / 1048576.0, count,
                    bytesPerRun * perDay * 30 / 1073741824.0);
            for (int m = 0; m < masters.size(); m++) {
                MasterProcess master = masters.get(m);
                double cpu = LoadPhase.cpuSeconds(master.pid()) - cpuBefore[m] / 1e9;
                System.out.printf(Locale.ROOT, "master %s: %d catalogs compiled, %.0f s CPU in the measured window (%.0f%% of one core),"
                        + " peak RSS %.0f MiB%n", m == 0 ? "A" : "B", compiles(master) - compilesBefore[m], cpu, cpu / seconds * 100,
                        master.peakRssKib() / 1024.0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Agent enrol(String name, MasterProcess to, MasterProcess from, SSLContext anonymous, X509Certificate ca,
                               Tally requests, Tally certificates, String factsTemplate) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        StringWriter csr = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(csr)) {
            writer.writeObject(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=" + name), keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        }
        AgentConnection.Response signed;
        try (AgentConnection send = new AgentConnection(anonymous, "localhost", to.port());
             AgentConnection fetch = new AgentConnection(anonymous, "localhost", from.port())) {
            long t = System.nanoTime();
            AgentConnection.Response sent = send.exchange(new AgentConnection.Request("PUT", "/v1/ca/requests/" + name,
                    Map.of("Content-Type", "text/plain"), csr.toString().getBytes(StandardCharsets.US_ASCII)));
            requests.add(sent.status(), System.nanoTime() - t);
            if (sent.status() >= 300) {
                throw new IllegalStateException(name + ": the request was answered " + sent.status() + ": "
                        + new String(sent.body(), StandardCharsets.UTF_8));
            }
            t = System.nanoTime();
            signed = fetch.exchange(new AgentConnection.Request("GET", "/v1/ca/certificates/" + name, Map.of(), new byte[0]));
            certificates.add(signed.status(), System.nanoTime() - t);
        }
        if (signed.status() != 200) {
            throw new IllegalStateException(name + ": the certificate was answered " + signed.status());
        }
        return new Agent(new NodeIdentity(name, keys.getPrivate(), Pem.certificate(new String(signed.body(),
                StandardCharsets.US_ASCII)), ca), factsTemplate);
    }

    /** One agent run: a new connection, the catalog (304 when nothing changed), the report. */
    private static void run(Agent agent, MasterProcess master, Catalog catalog, double factChanges, double drift, Tally[] tallies) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String name = agent.identity.certname();
        boolean changed = agent.etag == null || random.nextDouble() < factChanges;
        if (changed) {
            agent.facts = MasterLoadBenchmark.newFacts();
        }
        boolean catalogAnswered = false;
        try (AgentConnection c = new AgentConnection(agent.identity.sslContext(), "localhost", master.port())) {
            long t = System.nanoTime();
            // the ETag of the catalog it holds, as kw-agent sends it: a 304 when the facts (and the commit) are the same
            AgentConnection.Response answer = c.exchange(MasterLoadBenchmark.catalogRequest(name, agent.factsTemplate, agent.etag,
                    agent.facts));
            long elapsed = System.nanoTime() - t;
            if (answer.status() == 200) {
                agent.etag = answer.headers().get("etag");
            }
            if (tallies != null) {
                // new facts are compiled; the bench site's catalog does not depend on the fact that changed, so most
                // of those answer 304 too, after the compile
                boolean answered = answer.status() == 200 || answer.status() == 304;
                (!answered ? tallies[2] : changed ? tallies[0] : tallies[1]).add(answer.status(), elapsed);
            }
            catalogAnswered = true;
            String template = MasterLoadBenchmark.report(name, catalog, random.nextDouble() < drift ? 3 : 0);
            t = System.nanoTime();
            AgentConnection.Response stored = c.exchange(MasterLoadBenchmark.reportRequest(name, template, true));
            elapsed = System.nanoTime() - t;
            if (tallies != null) {
                (stored.status() == 201 ? tallies[3] : tallies[4]).add(stored.status(), elapsed);
            }
        } catch (Exception e) {
            if (tallies != null) {
                // status -1: no answer at all (the connection failed), to the catalog or to the report
                tallies[catalogAnswered ? 4 : 2].add(-1, 0);
            }
        }
    }

    private static long databaseSize(PGSimpleDataSource pg) throws Exception {
        try (Connection c = pg.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select pg_database_size(current_database())")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The report history's size on disk: the tables retention keeps for 30 days, with their indexes and TOAST. */
    private static long historySize(PGSimpleDataSource pg) throws Exception {
        try (Connection c = pg.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("select pg_total_relation_size('report') + pg_total_relation_size('event')")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** How many catalogs the master has compiled since it started (its kraftwerk_catalog_compile_seconds_count). */
    private static long compiles(MasterProcess master) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .sslContext(NodeIdentity.anonymous(NodeIdentity.readCertificate(master.caCertificate()))).build();
        String metrics = client.send(HttpRequest.newBuilder(URI.create(master.url("localhost") + "/q/metrics"))
                .header("Authorization", "Bearer " + master.adminToken()).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("kraftwerk_catalog_compile_seconds_count")) {
                return Math.round(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        throw new IllegalStateException("no kraftwerk_catalog_compile_seconds_count in the master's metrics");
    }

    /** An operator with the dashboard open: the overview and the fleet summary, every two seconds. */
    private static final class Dashboard {
        final Tally overview = new Tally("dashboard overview, during the load");
        final Tally summary = new Tally("API fleet summary, during the load");
        private final MasterProcess master;

        Dashboard(MasterProcess master) {
            this.master = master;
        }

        void watch(long from, long until) {
            try {
                HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).version(HttpClient.Version.HTTP_1_1)
                        .sslContext(NodeIdentity.anonymous(NodeIdentity.readCertificate(master.caCertificate())))
                        .followRedirects(HttpClient.Redirect.NEVER).build();
                String base = master.url("localhost").toString();
                client.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/login"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(master.adminToken(),
                                StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
                HttpRequest page = HttpRequest.newBuilder(URI.create(base + "/dashboard/")).build();
                HttpRequest api = HttpRequest.newBuilder(URI.create(base + "/v1/fleet/summary"))
                        .header("Authorization", "Bearer " + master.adminToken()).build();
                while (System.nanoTime() < until) {
                    long next = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    boolean counted = System.nanoTime() >= from;
                    for (HttpRequest r : List.of(page, api)) {
                        long t = System.nanoTime();
                        int status = client.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
                        if (counted) {
                            (r == page ? overview : summary).add(status, System.nanoTime() - t);
                        }
                    }
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
            } catch (Exception e) {
                System.err.println("the operator's dashboard stopped: " + e);
            }
        }
    }
}
