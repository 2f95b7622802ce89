package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import io.kraftwerk.testkit.PostgresServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Reports stored by a real master, read back through the fleet API — the same assertions on the
 * embedded H2 file and on a PostgreSQL from Debian's packages that the test starts itself.
 */
class StorageIT {
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
    class OnH2 extends Scenario {
        @BeforeAll
        void start() throws Exception {
            startMaster("h2", List.of());
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
    class OnPostgresql extends Scenario {
        private PostgresServer postgres;

        @BeforeAll
        void start() throws Exception {
            postgres = PostgresServer.start();
            Path password = Files.createDirectories(Repo.SCRATCH).resolve("pg-password");
            Files.writeString(password, postgres.password());
            startMaster("postgresql", List.of("--database", postgres.jdbcUrl(), "--database-user", PostgresServer.USER,
                    "--database-password-file", password.toString()));
        }

        @AfterAll
        void stopPostgres() throws Exception {
            stopMaster();
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    /** The scripted fleet: seven nodes, one per status and two ways to drift, and one old report. */
    abstract static class Scenario {
        private static final String JAVA_OPTIONS = "-Dkraftwerk.master.run-interval=30m -Dkraftwerk.master.report-retention=30d";
        MasterProcess master;
        FleetApi api;
        final List<String> ids = new ArrayList<>();
        private String manifests;
        private List<String> options;

        void startMaster(String name, List<String> databaseOptions) throws Exception {
            Path work = Files.createDirectories(Repo.SCRATCH).resolve("storage-" + name);
            Repo.deleteTree(work);
            manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production").dir().toString();
            options = new ArrayList<>(List.of("--host", "127.0.0.1", "--name", "localhost", "--ip", "127.0.0.1"));
            options.addAll(databaseOptions);
            Repo.stockStore(work.resolve("data"));
            master = MasterProcess.start(Repo.ROOT, work.resolve("data"), manifests, options, JAVA_OPTIONS);
            api = new FleetApi(master);
            Instant now = Instant.now();
            post("n1.example.net", ScriptedReports.unchanged("n1.example.net", now.minusSeconds(60)));
            post("n2.example.net", ScriptedReports.changed("n2.example.net", now.minusSeconds(50)));
            post("n3.example.net", ScriptedReports.failed("n3.example.net", now.minusSeconds(40)));
            post("n4.example.net", ScriptedReports.corrected("n4.example.net", now.minusSeconds(30)));
            post("n5.example.net", ScriptedReports.noopPending("n5.example.net", now.minusSeconds(20)));
            post("n6.example.net", ScriptedReports.unchanged("n6.example.net", now.minus(Duration.ofHours(3))));
            post("n7.example.net", ScriptedReports.auditDrift("n7.example.net", now.minusSeconds(10)));
            post("n8.example.net", ScriptedReports.unchanged("n8.example.net", now.minus(Duration.ofDays(40))));
        }

        private void post(String node, Report report) throws Exception {
            NodeIdentity id = master.identity(node);
            FleetApi.Answer a = api.asNode(id, "POST", "/v1/reports/" + node, ModelJson.writeBytes(report));
            assertEquals(201, a.status(), a.body());
            ids.add(report.runId());
        }

        @AfterAll
        void stopMaster() throws Exception {
            if (master != null) {
                master.close();
                master = null;
            }
        }

        @Test
        void theSummaryCountsEachStatusOnce() throws Exception {
            JsonNode nodes = api.get("/v1/fleet/summary").json().get("nodes");
            assertEquals(Map.of("unresponsive", 2, "failed", 1, "drifted", 2, "pending", 1, "changed", 1, "unchanged", 1),
                    Map.of("unresponsive", nodes.get("unresponsive").asInt(), "failed", nodes.get("failed").asInt(),
                            "drifted", nodes.get("drifted").asInt(), "pending", nodes.get("pending").asInt(),
                            "changed", nodes.get("changed").asInt(), "unchanged", nodes.get("unchanged").asInt()));
        }

        @Test
        void theNodeTableFiltersSortsAndPages() throws Exception {
            assertEquals(List.of("n4.example.net", "n7.example.net"), api.certnames("/v1/fleet/nodes?status=drifted"));
            assertEquals(List.of("n6.example.net", "n8.example.net"), api.certnames("/v1/fleet/nodes?status=unresponsive"));
            assertEquals(List.of("n7.example.net", "n5.example.net", "n4.example.net"),
                    api.certnames("/v1/fleet/nodes?sort=last_report&order=desc&size=3"));
            JsonNode page = api.get("/v1/fleet/nodes?size=3&page=2").json().get("page");
            assertEquals(8, page.get("total").asInt());
            assertEquals(List.of("n7.example.net", "n8.example.net"), api.certnames("/v1/fleet/nodes?size=3&page=2"));
            assertEquals(List.of("n3.example.net"), api.certnames("/v1/fleet/nodes?search=n3"));
            assertEquals(List.of("n6.example.net", "n8.example.net"), api.certnames("/v1/fleet/nodes?age=over-1h"));
            assertEquals(List.of("n8.example.net"), api.certnames("/v1/fleet/nodes?age=over-30d"));
            assertEquals(List.of("n1.example.net", "n2.example.net", "n3.example.net", "n4.example.net", "n5.example.net",
                    "n7.example.net"), api.certnames("/v1/fleet/nodes?age=under-1h"));
            assertEquals(List.of("n6.example.net"), api.certnames("/v1/fleet/nodes?age=under-4h&status=unresponsive"));
            FleetApi.Answer badAge = api.get("/v1/fleet/nodes?age=old");
            assertEquals(400, badAge.status());
            assertEquals("age: 'old' is not under-N or over-N with N in minutes, hours or days (e.g. under-1h, over-7d)",
                    badAge.json().get("error").asText());
            FleetApi.Answer wrong = api.get("/v1/fleet/nodes?status=sleeping");
            assertEquals(400, wrong.status());
            assertEquals("status: 'sleeping' is not one of unresponsive, failed, drifted, pending, changed, unchanged",
                    wrong.json().get("error").asText());
        }

        @Test
        void aNodePageHasTheEventsOfItsLastReportAndItsDriftHistory() throws Exception {
            JsonNode node = api.get("/v1/fleet/nodes/n4.example.net").json();
            assertEquals("drifted", node.get("node").get("status").asText());
            JsonNode event = node.get("last_events").get(0);
            assertEquals("file[/etc/motd]", event.get("resource").asText());
            assertEquals("content", event.get("property").asText());
            assertEquals("sha256:1111111111111111", event.get("previous").asText());
            assertEquals("sha256:2222222222222222", event.get("desired").asText());
            assertTrue(event.get("corrective").asBoolean());
            JsonNode history = node.get("drift_history");
            assertEquals(30, history.size());
            assertEquals(1, history.get(29).get("drifted_runs").asInt(), history.toString());
            long reportId = node.get("reports").get(0).get("id").asLong();
            JsonNode report = api.get("/v1/fleet/reports/" + reportId).json();
            assertEquals("n4.example.net", report.get("report").get("node").asText());
            assertEquals(1, report.get("events").size());
            assertEquals(404, api.get("/v1/fleet/nodes/nobody.example.net").status());
        }

        @Test
        void theResourceViewListsTheNodesThatDriftOnIt() throws Exception {
            JsonNode drift = api.get("/v1/fleet/resources?id=file%5B%2Fetc%2Fmotd%5D").json().get("nodes");
            assertEquals(1, drift.size());
            assertEquals("n4.example.net", drift.get(0).get("certname").asText());
            JsonNode audited = api.get("/v1/fleet/resources?id=package%5Bopenssh-server%5D").json().get("nodes");
            assertEquals("n7.example.net", audited.get(0).get("certname").asText());
        }

        @Test
        @org.junit.jupiter.api.Order(Integer.MAX_VALUE - 4) // adds a node: after the tests that count them
        void theSameRunSentSeveralTimesAtOnceIsStoredOnceWithItsEvents() throws Exception {
            NodeIdentity n13 = master.identity("n13.example.net");
            byte[] body = ModelJson.writeBytes(ScriptedReports.corrected("n13.example.net", Instant.now().minusSeconds(3)));
            List<FleetApi.Answer> answers = together(6, () -> api.asNode(n13, "POST", "/v1/reports/n13.example.net", body));
            List<Integer> statuses = answers.stream().map(FleetApi.Answer::status).sorted().toList();
            assertEquals(List.of(200, 200, 200, 200, 200, 201), statuses, answers.toString());
            JsonNode reports = api.get("/v1/fleet/nodes/n13.example.net/reports").json().get("reports");
            assertEquals(1, reports.size());
            assertEquals(1, api.get("/v1/fleet/reports/" + reports.get(0).get("id").asLong()).json().get("events").size(),
                    "the events of one report, not of six");

            byte[] tooLong = ModelJson.writeBytes(ScriptedReports.correctedWith("n13.example.net", Instant.now(),
                    "file[/" + "d".repeat(1100) + "]", "a", "b"));
            FleetApi.Answer refused = api.asNode(n13, "POST", "/v1/reports/n13.example.net", tooLong);
            assertEquals(400, refused.status(), refused.body());
            assertEquals("the report is not valid: report: resources[0].id: must be at most 1024 characters (what the master stores)",
                    refused.json().get("error").asText());
            assertEquals(1, api.get("/v1/fleet/nodes/n13.example.net/reports").json().get("reports").size(), "nothing of it stored");
        }

        /** Runs the call on as many threads, released at once; the answers in submission order. */
        private List<FleetApi.Answer> together(int threads, Callable<FleetApi.Answer> call) throws Exception {
            CyclicBarrier start = new CyclicBarrier(threads);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<FleetApi.Answer>> futures = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        return call.call();
                    }));
                }
                List<FleetApi.Answer> answers = new ArrayList<>();
                for (var f : futures) {
                    answers.add(f.get());
                }
                return answers;
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @org.junit.jupiter.api.Order(Integer.MAX_VALUE - 3) // adds nodes: after the tests that count them
        void aNodeIsUnresponsiveOnceSilentForTwiceTheRunInterval() throws Exception {
            // the master runs with a 30-minute interval: silent for 58 minutes is fine, for 62 it is not
            post("n11.example.net", ScriptedReports.unchanged("n11.example.net", Instant.now().minus(Duration.ofMinutes(58))));
            post("n12.example.net", ScriptedReports.unchanged("n12.example.net", Instant.now().minus(Duration.ofMinutes(62))));
            assertEquals("unchanged", api.get("/v1/fleet/nodes/n11.example.net").json().get("node").get("status").asText());
            assertEquals("unresponsive", api.get("/v1/fleet/nodes/n12.example.net").json().get("node").get("status").asText());
            assertTrue(api.certnames("/v1/fleet/nodes?status=unresponsive").contains("n12.example.net"));
            assertTrue(!api.certnames("/v1/fleet/nodes?status=unresponsive").contains("n11.example.net"));
        }

        @Test
        @org.junit.jupiter.api.Order(Integer.MAX_VALUE - 2) // adds a node: after the tests that count them
        void aNewNodesFirstReportsArrivingTogetherAreAllStored() throws Exception {
            // Each report creates the node's row if it is new: the writers race for it, and none may fail.
            NodeIdentity n10 = master.identity("n10.example.net");
            int reports = 8;
            Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
            List<byte[]> bodies = new ArrayList<>();
            for (int i = 0; i < reports; i++) {
                bodies.add(ModelJson.writeBytes(ScriptedReports.changed("n10.example.net", start.plusSeconds(i))));
            }
            AtomicInteger next = new AtomicInteger();
            for (FleetApi.Answer a : together(reports,
                    () -> api.asNode(n10, "POST", "/v1/reports/n10.example.net", bodies.get(next.getAndIncrement())))) {
                assertEquals(201, a.status(), a.body());
            }
            assertEquals(reports, api.get("/v1/fleet/nodes/n10.example.net/reports").json().get("reports").size());
            JsonNode node = api.get("/v1/fleet/nodes/n10.example.net").json().get("node");
            assertEquals(start.plusSeconds(reports - 1), Instant.parse(node.get("last_report_at").asText()), node.toString());
        }

        @Test
        @org.junit.jupiter.api.Order(Integer.MAX_VALUE - 1) // adds nodes: after the tests that count them
        void aNodesRolesAndFactsFromItsCatalogRequestAreThereWithItsReport() throws Exception {
            for (String name : List.of("web1.example.net", "db1.example.net")) {
                NodeIdentity id = master.identity(name);
                byte[] facts = Files.readAllBytes(Repo.ROOT.resolve("manifests/facts/" + name + ".json"));
                FleetApi.Answer catalog = api.asNode(id, "POST", "/v1/catalogs/" + name, facts);
                assertEquals(200, catalog.status(), catalog.body());
                FleetApi.Answer report = api.asNode(id, "POST", "/v1/reports/" + name,
                        ModelJson.writeBytes(ScriptedReports.changed(name, Instant.now().minusSeconds(1))));
                assertEquals(201, report.status(), report.body());
                // Right after the report, without waiting for the batch of catalog sightings:
                JsonNode node = api.get("/v1/fleet/nodes/" + name).json();
                assertEquals(name, node.get("facts").get("fqdn").asText(), node.toString());
                List<String> roles = new ArrayList<>();
                node.get("node").get("roles").forEach(r -> roles.add(r.asText()));
                assertEquals(List.of("base", "bookworm", name.startsWith("web") ? "web" : "db"), roles);
            }
            assertEquals(List.of("web1.example.net"), api.certnames("/v1/fleet/nodes?role=web"));
            assertEquals(List.of("web1.example.net", "db1.example.net"), api.certnames("/v1/fleet/nodes?sort=role&order=desc&size=2"));
        }

        @Test
        @org.junit.jupiter.api.Order(Integer.MAX_VALUE - 1) // adds a node: after the tests that count them
        void aReportFromTheFutureIsRefusedAndANodesLatestReportNeverGoesBack() throws Exception {
            NodeIdentity late1 = master.identity("late1.example.net");
            Instant now = Instant.now();
            Report ahead = ScriptedReports.failed("late1.example.net", now.plus(Duration.ofDays(1)));
            FleetApi.Answer refused = api.asNode(late1, "POST", "/v1/reports/late1.example.net", ModelJson.writeBytes(ahead));
            assertEquals(400, refused.status(), refused.body());
            assertTrue(refused.json().get("error").asText().startsWith("the report's start (" + ahead.start() + ") lies more than 300"
                    + " s after the master's clock ("), refused.body());
            assertEquals(404, api.get("/v1/fleet/nodes/late1.example.net").status(), "nothing of it was stored");

            Report latest = ScriptedReports.changed("late1.example.net", now.minusSeconds(10));
            assertEquals(201, api.asNode(late1, "POST", "/v1/reports/late1.example.net", ModelJson.writeBytes(latest)).status());
            // a report the agent queued an hour ago arrives late: stored, but the node's latest stays the newer one
            Report late = ScriptedReports.failed("late1.example.net", now.minus(Duration.ofHours(1)));
            assertEquals(201, api.asNode(late1, "POST", "/v1/reports/late1.example.net", ModelJson.writeBytes(late)).status());
            JsonNode node = api.get("/v1/fleet/nodes/late1.example.net").json().get("node");
            assertEquals("changed", node.get("status").asText(), node.toString());
            assertEquals(2, api.get("/v1/fleet/nodes/late1.example.net/reports").json().get("reports").size());
        }

        @Test
        @org.junit.jupiter.api.Order(Integer.MAX_VALUE - 1) // adds a node: after the tests that count them
        void aReportSentCompressedIsStoredAsSentAndOneThatInflatesTooFarIsRefused() throws Exception {
            NodeIdentity n14 = master.identity("n14.example.net");
            Report report = ScriptedReports.corrected("n14.example.net", Instant.now().minusSeconds(2));
            FleetApi.Answer stored = api.asNode(n14, "POST", "/v1/reports/n14.example.net", gzip(ModelJson.writeBytes(report)), "gzip");
            assertEquals(201, stored.status(), stored.body());
            JsonNode reports = api.get("/v1/fleet/nodes/n14.example.net/reports").json().get("reports");
            assertEquals(1, reports.size());
            FleetApi.Answer back = api.get("/v1/fleet/reports/" + reports.get(0).get("id").asLong());
            assertEquals(report.runId(), back.json().get("report").get("run_id").asText(), back.body());
            assertEquals(1, back.json().get("events").size());

            // 17 MiB of spaces inflate from 17 KB: refused before they are held, let alone parsed
            byte[] bomb = gzip(" ".repeat(17 << 20).getBytes(StandardCharsets.UTF_8));
            FleetApi.Answer refused = api.asNode(n14, "POST", "/v1/reports/n14.example.net", bomb, "gzip");
            assertEquals(400, refused.status(), refused.body());
            assertEquals("the report unpacks to more than 16777216 bytes; at most 16777216 are accepted",
                    refused.json().get("error").asText());
            FleetApi.Answer notGzip = api.asNode(n14, "POST", "/v1/reports/n14.example.net", ModelJson.writeBytes(report), "gzip");
            assertEquals(400, notGzip.status(), notGzip.body());
            assertTrue(notGzip.json().get("error").asText().startsWith("the report is not valid gzip: "), notGzip.body());
            FleetApi.Answer brotli = api.asNode(n14, "POST", "/v1/reports/n14.example.net", ModelJson.writeBytes(report), "br");
            assertEquals(415, brotli.status(), brotli.body());
            // what the database could not store would fail the batch it is in: refused alone, before it gets there
            FleetApi.Answer nul = api.asNode(n14, "POST", "/v1/reports/n14.example.net", ModelJson.writeBytes(
                    ScriptedReports.correctedWith("n14.example.net", Instant.now(), "file[/etc/motd]", "a", "b\0c")));
            assertEquals(400, nul.status(), nul.body());
            assertEquals("the report is not valid: report: resources[0].events[0].desired holds a NUL character (\\u0000), which"
                    + " the master does not store", nul.json().get("error").asText());
            FleetApi.Answer ancient = api.asNode(n14, "POST", "/v1/reports/n14.example.net",
                    ModelJson.writeBytes(ScriptedReports.unchanged("n14.example.net", Instant.parse("1999-12-31T23:00:00Z"))));
            assertEquals(400, ancient.status(), ancient.body());
            assertTrue(ancient.json().get("error").asText().startsWith("the report's start (1999-12-31T23:00:00Z) lies before"
                    + " 2000-01-01T00:00:00Z; the node's clock is wrong"), ancient.body());
            assertEquals(1, api.get("/v1/fleet/nodes/n14.example.net/reports").json().get("reports").size(), "nothing more stored");
        }

        @Test
        @org.junit.jupiter.api.Order(Integer.MAX_VALUE) // adds nodes and restarts the master: last
        void everyReportAcknowledgedIsThereAfterTheMasterIsKilled() throws Exception {
            // Six nodes send ten reports each, all at once: the writer stores them in batches. The
            // master is killed (SIGKILL, as a crash or power cut) the moment the last is acknowledged:
            // every acknowledged report must be there when it comes back, with its events.
            int nodes = 6;
            int runs = 10;
            Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(runs + 5);
            AtomicInteger next = new AtomicInteger();
            List<FleetApi.Answer> answers = together(nodes, () -> {
                String name = "k" + next.incrementAndGet() + ".example.net";
                NodeIdentity id = master.identity(name);
                FleetApi.Answer last = null;
                for (int run = 0; run < runs; run++) {
                    byte[] json = ModelJson.writeBytes(ScriptedReports.corrected(name, start.plusSeconds(run)));
                    last = run % 2 == 0 ? api.asNode(id, "POST", "/v1/reports/" + name, gzip(json), "gzip")
                            : api.asNode(id, "POST", "/v1/reports/" + name, json);
                    if (last.status() != 201) {
                        return last;
                    }
                }
                return last;
            });
            master.kill();
            for (FleetApi.Answer a : answers) {
                assertEquals(201, a.status(), a.body());
            }
            master = MasterProcess.start(Repo.ROOT, master.dataDir(), manifests, options, JAVA_OPTIONS);
            assertTrue(master.log().contains(MasterLifecycleIT.FLYWAY_LEFT_OUT), "a restart on a current schema leaves Flyway"
                    + " out, after a crash too:\n" + master.log());
            api = new FleetApi(master);
            for (int n = 1; n <= nodes; n++) {
                String name = "k" + n + ".example.net";
                JsonNode reports = api.get("/v1/fleet/nodes/" + name + "/reports").json().get("reports");
                assertEquals(runs, reports.size(), name + ": " + reports);
                JsonNode node = api.get("/v1/fleet/nodes/" + name).json().get("node");
                assertEquals(start.plusSeconds(runs - 1), Instant.parse(node.get("last_report_at").asText()), node.toString());
                for (JsonNode r : reports) {
                    assertEquals(1, api.get("/v1/fleet/reports/" + r.get("id").asLong()).json().get("events").size(), r.toString());
                }
            }
        }

        private static byte[] gzip(byte[] data) throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(data);
            }
            return out.toByteArray();
        }

        @Test
        @org.junit.jupiter.api.Order(Integer.MAX_VALUE - 1) // adds a node, removes a report: after the tests that count them
        void aReportIsStoredOnceAndOldReportsGoWithTheRetention() throws Exception {
            Report again = ScriptedReports.unchanged("n9.example.net", Instant.now().minusSeconds(5));
            NodeIdentity n9 = master.identity("n9.example.net");
            assertEquals(201, api.asNode(n9, "POST", "/v1/reports/n9.example.net", ModelJson.writeBytes(again)).status());
            FleetApi.Answer twice = api.asNode(n9, "POST", "/v1/reports/n9.example.net", ModelJson.writeBytes(again));
            assertEquals(200, twice.status());
            assertEquals(1, api.get("/v1/fleet/nodes/n9.example.net/reports").json().get("reports").size());
            FleetApi.Answer invalid = api.asNode(n9, "POST", "/v1/reports/n9.example.net",
                    new String(ModelJson.writeBytes(again)).replace("\"status\": \"unchanged\"", "\"status\": \"fine\"").getBytes());
            assertEquals(400, invalid.status());
            assertEquals("the report is not valid: report:25:13: status: 'fine' is not one of unchanged, changed, failed",
                    invalid.json().get("error").asText());

            assertEquals(1, api.get("/v1/fleet/nodes/n8.example.net/reports").json().get("reports").size());
            FleetApi.Answer purged = api.post("/v1/admin/purge");
            assertEquals(200, purged.status(), purged.body());
            assertEquals(1, purged.json().get("reports_removed").asInt());
            assertEquals(0, api.get("/v1/fleet/nodes/n8.example.net/reports").json().get("reports").size());
            assertEquals("unresponsive", api.get("/v1/fleet/nodes/n8.example.net").json().get("node").get("status").asText(),
                    "the node stays, silent");
        }
    }
}
