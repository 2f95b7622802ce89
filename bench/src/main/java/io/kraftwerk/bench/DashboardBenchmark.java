package io.kraftwerk.bench;

import io.kraftwerk.master.util.Gzip;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import io.kraftwerk.testkit.PostgresServer;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Dashboard and fleet API latency with a big fleet's history in the database: N nodes (10 000),
 * each with a report every few hours for 30 days and events on the runs that found drift, loaded
 * straight into the master's schema (the master made it with its migrations, then stopped), then
 * each page asked for in turn by a signed-in client, sequentially: p50, p99 and max.
 *
 * <pre>
 * ./mvnw -q -DskipTests package
 * java -cp bench/target/benchmarks.jar io.kraftwerk.bench.DashboardBenchmark [--database h2|postgresql] [--nodes 10000]
 *      [--days 30] [--runs-per-day 8] [--requests 100]
 * </pre>
 */
public final class DashboardBenchmark {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String[] STATUSES = {"unchanged", "changed", "drifted", "failed", "pending"};
    private static final String[] COMMITS = {"a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", "b2c3d4e5f60718293a4b5c6d7e8f901234567801",
        "c3d4e5f60718293a4b5c6d7e8f90123456780122"};

    private DashboardBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.manager", "org.jboss.logmanager.LogManager");
        String database = "h2";
        int nodes = 10_000;
        int days = 30;
        int runsPerDay = 8;
        int requests = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--database" -> database = args[++i];
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--days" -> days = Integer.parseInt(args[++i]);
                case "--runs-per-day" -> runsPerDay = Integer.parseInt(args[++i]);
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path work = ROOT.resolve("bench/target/dashboard-" + database);
        MasterLoadBenchmark.deleteTree(work);
        GitRepo repo = GitRepo.create(work.resolve("manifests"), ROOT.resolve("manifests"), "production");
        PostgresServer postgres = database.equals("postgresql") ? PostgresServer.start() : null;
        try {
            List<String> options = new ArrayList<>(List.of("--host", "127.0.0.1", "--name", "localhost", "--ip", "127.0.0.1"));
            String jdbc;
            String user = null;
            String password = null;
            if (postgres != null) {
                Path pw = work.resolve("pg-password");
                Files.writeString(pw, postgres.password());
                options.addAll(List.of("--database", postgres.jdbcUrl(), "--database-user", PostgresServer.USER,
                        "--database-password-file", pw.toString()));
                jdbc = postgres.jdbcUrl();
                user = PostgresServer.USER;
                password = postgres.password();
            } else {
                jdbc = "jdbc:h2:file:" + work.resolve("data/db/kraftwerk");
            }
            // the master makes the schema, then stops: an embedded H2 file has one writer at a time
            MasterProcess.start(ROOT, work.resolve("data"), repo.dir().toString(), options, "").close();
            long started = System.nanoTime();
            Loaded loaded;
            Class.forName(postgres != null ? "org.postgresql.Driver" : "org.h2.Driver"); // the shaded jar may not list both drivers
            try (Connection c = DriverManager.getConnection(jdbc, user, password)) {
                loaded = load(c, nodes, days, runsPerDay, database);
            }
            System.out.printf(Locale.ROOT, "%s: %d nodes, %d reports, %d events loaded in %.0f s%n%n", database, nodes, loaded.reports(),
                    loaded.events(), (System.nanoTime() - started) / 1e9);
            try (MasterProcess master = MasterProcess.start(ROOT, work.resolve("data"), repo.dir().toString(), options, "")) {
                measure(master, requests, nodes);
                System.out.printf(Locale.ROOT, "%nkw-master peak RSS %.0f MiB%n", master.peakRssKib() / 1024.0);
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    record Loaded(long reports, long events) {
    }

    private static Loaded load(Connection c, int nodes, int days, int runsPerDay, String database) throws Exception {
        c.setAutoCommit(false);
        Random random = new Random(42);
        Instant now = Instant.now();
        String facts = Files.readString(ROOT.resolve("manifests/facts/web1.example.net.json"));
        long reportId = 0;
        long eventId = 0;
        try (PreparedStatement node = c.prepareStatement("insert into node (certname, environment, catalog_version, facts, facts_at,"
                + " last_report_id, last_report_at, last_status, roles) values (?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement report = c.prepareStatement("insert into report (id, certname, run_id, start_at, received_at, duration_ms,"
                     + " status, node_status, mode, noop_pending, corrective, catalog_version, environment, catalog_source, resources,"
                     + " changes, failures, drifts, body) values (?, ?, ?, ?, ?, ?, ?, ?, 'enforce', false, ?, ?, 'production', 'fresh',"
                     + " 200, ?, ?, ?, ?)");
             PreparedStatement event = c.prepareStatement("insert into event (id, report_id, certname, start_at, resource,"
                     + " resource_type, property, previous, desired, status, corrective, message) values (?, ?, ?, ?, ?, 'file',"
                     + " 'content', ?, ?, 'success', true, 'content changed behind Kraftwerk''s back')")) {
            long interval = 86_400L / runsPerDay;
            int pending = 0;
            for (int n = 0; n < nodes; n++) {
                String certname = String.format(Locale.ROOT, "web%05d.example.net", n);
                boolean silent = n % 50 == 49; // 2% unresponsive: last report two days ago
                Instant last = silent ? now.minus(Duration.ofDays(2)) : now.minusSeconds(random.nextInt((int) interval));
                String lastStatus = "unchanged";
                long lastId = 0;
                for (Instant t = last.minus(Duration.ofDays(days)).plusSeconds(interval); !t.isAfter(last); t = t.plusSeconds(interval)) {
                    int roll = random.nextInt(100);
                    String status = roll < 85 ? "unchanged" : roll < 90 ? "changed" : roll < 94 ? "drifted" : roll < 96 ? "failed"
                            : roll < 98 ? "pending" : "unchanged";
                    reportId++;
                    String runId = "00000000-0000-4000-8000-" + String.format(Locale.ROOT, "%012d", reportId);
                    report.setLong(1, reportId);
                    report.setString(2, certname);
                    report.setString(3, runId);
                    report.setTimestamp(4, Timestamp.from(t));
                    report.setTimestamp(5, Timestamp.from(t.plusSeconds(1)));
                    report.setLong(6, 400 + random.nextInt(400));
                    report.setString(7, status.equals("drifted") || status.equals("pending") ? "changed" : status);
                    report.setString(8, status);
                    report.setBoolean(9, status.equals("drifted"));
                    report.setString(10, COMMITS[random.nextInt(COMMITS.length)]);
                    report.setInt(11, status.equals("unchanged") ? 0 : 2);
                    report.setInt(12, status.equals("failed") ? 1 : 0);
                    report.setInt(13, status.equals("drifted") ? 2 : 0);
                    report.setBytes(14, Gzip.pack(body(certname, runId, t, status).getBytes(StandardCharsets.UTF_8)));
                    report.addBatch();
                    if (status.equals("drifted")) {
                        for (int e = 0; e < 2; e++) {
                            event.setLong(1, ++eventId);
                            event.setLong(2, reportId);
                            event.setString(3, certname);
                            event.setTimestamp(4, Timestamp.from(t));
                            event.setString(5, String.format(Locale.ROOT, "file[/etc/app/conf-%03d]", random.nextInt(200)));
                            event.setString(6, "sha256:" + Long.toHexString(random.nextLong()));
                            event.setString(7, "sha256:" + Long.toHexString(random.nextLong()));
                            event.addBatch();
                        }
                    }
                    lastStatus = status;
                    lastId = reportId;
                    if (++pending % 5000 == 0) {
                        report.executeBatch();
                        event.executeBatch();
                        c.commit();
                    }
                }
                node.setString(1, certname);
                node.setString(2, "production");
                node.setString(3, COMMITS[n % COMMITS.length]);
                node.setString(4, facts.replace("web1.example.net", certname));
                node.setTimestamp(5, Timestamp.from(last));
                node.setLong(6, lastId);
                node.setTimestamp(7, Timestamp.from(last));
                node.setString(8, lastStatus);
                node.setString(9, n % 3 == 0 ? ",base,db," : ",base,web,");
                node.addBatch();
                if (n % 1000 == 999) {
                    node.executeBatch();
                }
            }
            node.executeBatch();
            report.executeBatch();
            event.executeBatch();
            c.commit();
        }
        try (var s = c.createStatement()) {
            // the master goes on numbering after the loaded rows
            if (database.equals("postgresql")) {
                s.execute("select setval(pg_get_serial_sequence('report', 'id'), " + reportId + ")");
                s.execute("select setval(pg_get_serial_sequence('event', 'id'), " + Math.max(1, eventId) + ")");
                s.execute("analyze");
            } else {
                s.execute("alter table report alter column id restart with " + (reportId + 1));
                s.execute("alter table event alter column id restart with " + (eventId + 1));
            }
        }
        c.commit();
        return new Loaded(reportId, eventId);
    }

    /** A valid no-change report without resources: the pages read the summary columns and events, not the body. */
    private static String body(String node, String runId, Instant start, String status) {
        String run = status.equals("failed") ? "failed" : status.equals("unchanged") ? "unchanged" : "changed";
        return "{\"catalog_source\":\"fresh\",\"catalog_source_note\":\"\",\"catalog_version\":\"" + COMMITS[0] + "\","
                + "\"corrective_change\":false,\"duration_millis\":420,\"environment\":\"production\",\"format_version\":1,\"logs\":[],"
                + "\"metrics\":{\"changes\":0,\"corrective_changes\":0,\"millis_by_type\":{},\"out_of_sync\":0,\"resources\":{},"
                + "\"total_millis\":0,\"total_resources\":0},\"mode\":\"enforce\",\"node\":\"" + node + "\",\"noop_pending\":false,"
                + "\"resources\":[],\"run_id\":\"" + runId + "\",\"start\":\"" + start + "\",\"status\":\"" + run + "\"}";
    }

    private static void measure(MasterProcess master, int requests, int nodes) throws Exception {
        HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).version(HttpClient.Version.HTTP_1_1)
                .sslContext(NodeIdentity.anonymous(NodeIdentity.readCertificate(master.caCertificate())))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String base = master.url("localhost").toString();
        HttpResponse<String> login = client.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + URLEncoder.encode(master.adminToken(), StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (login.statusCode() != 303) {
            throw new IllegalStateException("signing in failed: " + login.statusCode());
        }
        String someNode = String.format(Locale.ROOT, "web%05d.example.net", nodes / 2);
        List<String[]> pages = List.of(
                new String[] {"overview (counts + first 50 nodes)", "/dashboard/"},
                new String[] {"overview, drifted, newest report first", "/dashboard/?status=drifted&sort=last_report&order=desc"},
                new String[] {"overview, role web, page 100", "/dashboard/?role=web&page=100"},
                new String[] {"overview, name search", "/dashboard/?search=web0423"},
                new String[] {"node page (facts, 20 reports, events, 30-day chart)", "/dashboard/nodes/" + someNode},
                new String[] {"resource view (who drifts on it, 30 days)", "/dashboard/resources?id="
                        + URLEncoder.encode("file[/etc/app/conf-007]", StandardCharsets.UTF_8)},
                new String[] {"environment view", "/dashboard/environments/production"},
                new String[] {"API: summary", "/v1/fleet/summary"},
                new String[] {"API: node table, failed", "/v1/fleet/nodes?status=failed"},
                new String[] {"API: node", "/v1/fleet/nodes/" + someNode});
        System.out.println("| page | p50 | p99 | max | bytes |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (String[] page : pages) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + page[1])).timeout(Duration.ofMinutes(2));
            if (page[1].startsWith("/v1/")) {
                request.header("Authorization", "Bearer " + master.adminToken());
            }
            HttpRequest r = request.build();
            int size = 0;
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> a = client.send(r, HttpResponse.BodyHandlers.ofString());
                if (a.statusCode() != 200) {
                    throw new IllegalStateException(page[1] + " answered " + a.statusCode() + ": " + a.body());
                }
                size = a.body().length();
            }
            long[] times = new long[requests];
            for (int i = 0; i < requests; i++) {
                long t = System.nanoTime();
                client.send(r, HttpResponse.BodyHandlers.ofString());
                times[i] = System.nanoTime() - t;
            }
            Arrays.sort(times);
            System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %d |%n", page[0], times[requests / 2] / 1e6,
                    times[(int) Math.ceil(requests * 0.99) - 1] / 1e6, times[requests - 1] / 1e6, size);
        }
    }
}
