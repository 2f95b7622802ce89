package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Alerts reach a real HTTP listener as signed JSON: a node that fails, one that drifts, one that falls
 * silent, a commit that does not compile, a rollout that halts. The listener refuses its first
 * delivery (500): it comes again, and the delivery log says so. A webhooks file with a secret others
 * may read keeps the master from starting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsIT {
    private static final String SECRET = "alerts-it-secret-0123456789-abcdefghijklmnop";
    private Path work;
    private GitRepo manifests;
    private MasterProcess master;
    private ScriptedNodes nodes;
    private HttpServer listener;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    private record Received(String event, String delivery, String signature, String body, Instant at) {
    }

    @BeforeAll
    void start() throws Exception {
        work = Files.createDirectories(Repo.SCRATCH).resolve("alerts-it");
        Repo.deleteTree(work);
        listener = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        listener.createContext("/hooks/kraftwerk", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            // the very first request is refused: its delivery must come again
            boolean refuse = requests.getAndIncrement() == 0;
            if (!refuse) {
                received.add(new Received(exchange.getRequestHeaders().getFirst("Kraftwerk-Event"),
                        exchange.getRequestHeaders().getFirst("Kraftwerk-Delivery"),
                        exchange.getRequestHeaders().getFirst("Kraftwerk-Signature"), new String(body, StandardCharsets.UTF_8),
                        Instant.now()));
            }
            exchange.sendResponseHeaders(refuse ? 500 : 204, -1);
            exchange.close();
        });
        listener.start();

        manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production");
        manifests.write("data/nodes/web2.example.net.yaml", manifests.read("data/nodes/web1.example.net.yaml"));
        manifests.write("site.yaml", manifests.read("site.yaml").replace("\nnodes:\n",
                "\nrollout:\n  canary: {nodes: [web1.example.net]}\n\nnodes:\n"));
        manifests.commitAll("web2, and rollouts with web1 as the canary");
        Path data = work.resolve("data");
        Repo.stockStore(data);
        Files.writeString(data.resolve("ops.secret"), SECRET + "\n");
        Files.setPosixFilePermissions(data.resolve("ops.secret"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(data.resolve("webhooks.yaml"), "webhooks:\n  - name: ops\n    url: http://127.0.0.1:"
                + listener.getAddress().getPort() + "/hooks/kraftwerk\n    secret_file: ops.secret\n");
        master = MasterProcess.start(Repo.ROOT, data, manifests.dir().toString(), List.of("--host", "127.0.0.1",
                "--name", "localhost", "--ip", "127.0.0.1", "--poll-interval", "1h"),
                "-Dkraftwerk.master.webhook-retry=1s -Dkraftwerk.master.alert-check=2s");
        nodes = new ScriptedNodes(master, List.of("web1.example.net", "web2.example.net", "db1.example.net"));
    }

    @AfterAll
    void stop() throws Exception {
        if (master != null) {
            master.close();
        }
        if (listener != null) {
            listener.stop(0);
        }
    }

    @Test
    void everyKindOfAlertArrivesSignedOnceAndAFailedDeliveryComesAgain() throws Exception {
        String a = manifests.head();
        for (String node : List.of("web1.example.net", "web2.example.net")) {
            assertEquals(200, nodes.catalog(node, null).status());
            report(ScriptedReports.onVersion(ScriptedReports.unchanged(node, Instant.now()), a));
        }
        // web2 drifts; db1's only report is two hours old: silent
        report(ScriptedReports.onVersion(ScriptedReports.corrected("web2.example.net", Instant.now()), a));
        assertEquals(200, nodes.catalog("db1.example.net", null).status());
        report(ScriptedReports.unchanged("db1.example.net", Instant.now().minus(Duration.ofHours(2))));
        // a rollout whose canary fails: web1 fails (node_failed) and the rollout halts (rollout_halted)
        String b = commit("templates/motd.txt", manifests.read("templates/motd.txt") + "B\n");
        assertEquals(200, nodes.catalog("web1.example.net", null).status());
        report(ScriptedReports.onVersion(ScriptedReports.failed("web1.example.net", Instant.now()), b));
        // a commit that does not compile (the canary, web1, is the node that gets it)
        String broken = commit("roles/web.yaml", manifests.read("roles/web.yaml") + "  nosuchtype:\n    x: {}\n");
        assertEquals(422, nodes.catalog("web1.example.net", null).status());
        // web1 fails again: still failed, no second alert
        report(ScriptedReports.onVersion(ScriptedReports.failed("web1.example.net", Instant.now()), b));

        List<String> expected = List.of("compile_failed", "node_drifted", "node_failed", "node_unresponsive", "rollout_halted");
        Instant deadline = Instant.now().plusSeconds(60);
        while (new TreeSet<>(received.stream().map(Received::event).toList()).size() < expected.size()
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(200); // polling the listener for the condition: the master sends every 2 s
        }
        assertEquals(expected, new ArrayList<>(new TreeSet<>(received.stream().map(Received::event).toList())), received.toString());

        Map<String, JsonNode> bodies = new TreeMap<>();
        for (Received r : received) {
            long t = Long.parseLong(r.signature().substring(2, r.signature().indexOf(',')));
            assertTrue(Math.abs(Instant.now().getEpochSecond() - t) < 300, "a fresh timestamp: " + r.signature());
            assertEquals("t=" + t + ",v1=" + hmac(t + "." + r.body()), r.signature(), "signed with the webhook's secret");
            JsonNode body = ModelJson.mapper().readTree(r.body());
            assertEquals(r.event(), body.get("type").asText());
            assertFalse(r.body().contains("BEGIN PRIVATE KEY") || r.body().contains("ENC["), "no secret in an alert: " + r.body());
            assertTrue(bodies.put(body.get("id").asText(), body) == null || r.event().equals(received.get(0).event()),
                    "each alert once (the refused first one came again): " + body.get("id"));
        }
        JsonNode failed = one("node_failed");
        assertEquals("web1.example.net", failed.get("subject").asText());
        assertEquals("web1.example.net failed its run on " + b, failed.get("summary").asText());
        assertEquals("failed", failed.get("details").get("status").asText());
        assertEquals("rollout_halted:production:" + b, one("rollout_halted").get("id").asText());
        assertEquals("the rollout of " + b + " in production halted: canary web1.example.net failed its run on " + b,
                one("rollout_halted").get("summary").asText());
        assertEquals("compile_failed:production:" + broken, one("compile_failed").get("id").asText());
        assertTrue(one("compile_failed").get("details").get("errors").get(0).asText().startsWith("roles/web.yaml:"),
                one("compile_failed").toString());
        assertEquals("db1.example.net", one("node_unresponsive").get("subject").asText());
        assertEquals("web2.example.net", one("node_drifted").get("subject").asText());

        // the delivery log: five alerts, all delivered, the first after a refusal
        JsonNode log = ModelJson.mapper().readTree(nodes.admin("web1.example.net", "GET", "/v1/admin/alerts").body());
        assertEquals("ops", log.get("webhooks").get(0).get("name").asText());
        assertFalse(log.toString().contains(SECRET), "the secret is never shown");
        assertEquals(5, log.get("deliveries").size(), log.toPrettyString());
        int retried = 0;
        for (JsonNode d : log.get("deliveries")) {
            assertEquals("delivered", d.get("status").asText(), d.toString());
            assertEquals(204, d.get("last_response").asInt());
            retried += d.get("attempts").asInt() - 1;
        }
        assertEquals(1, retried, "the refused delivery was tried once more");
        String page = DashboardSession.signIn(master, nodes.client("web1.example.net")).get("/dashboard/alerts");
        assertTrue(page.contains("<td>ops</td><td><code>http://127.0.0.1:" + listener.getAddress().getPort() + "/hooks/kraftwerk</code>"),
                page);
        for (String type : expected) {
            assertTrue(page.contains("<td class=\"type\">" + type + "</td>"), type + " in the dashboard's delivery log");
        }
        assertFalse(page.contains(SECRET));
    }

    @Test
    void aSecretOthersMayReadKeepsTheMasterFromStarting() throws Exception {
        Path data = work.resolve("data-bad");
        Files.createDirectories(data);
        Process token = new ProcessBuilder(Repo.ROOT.resolve("bin/kw-master").toString(), "admin-token", "--data-dir", data.toString())
                .redirectErrorStream(true).start();
        assertEquals(0, token.waitFor(), new String(token.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        Files.writeString(data.resolve("ops.secret"), SECRET + "\n");
        Files.setPosixFilePermissions(data.resolve("ops.secret"), PosixFilePermissions.fromString("rw-r--r--"));
        Path hooks = data.resolve("hooks.yaml");
        Files.writeString(hooks, "webhooks:\n  - name: ops\n    url: ftp://example.net/\n    secret_file: ops.secret\n"
                + "    events: [node_failed, node_exploded]\n");
        Process serve = new ProcessBuilder(Repo.ROOT.resolve("bin/kw-master").toString(), "serve", "--data-dir", data.toString(),
                "--manifests", manifests.dir().toString(), "--webhooks", hooks.toString()).redirectErrorStream(true).start();
        String out = new String(serve.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, serve.waitFor(), out);
        assertTrue(out.contains(hooks + ":3:10: 'ftp://example.net/' is not a webhook URL"), out);
        assertTrue(out.contains(hooks + ":4:18: the secret file " + data.resolve("ops.secret") + " may be read by others than its owner"),
                out);
        assertTrue(out.contains(hooks + ":5:27: unknown event 'node_exploded'"), out);
    }

    private JsonNode one(String type) throws IOException {
        for (Received r : received) {
            if (r.event().equals(type)) {
                return ModelJson.mapper().readTree(r.body());
            }
        }
        throw new AssertionError("no " + type + " alert");
    }

    private static String hmac(String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }

    private String commit(String file, String content) throws Exception {
        manifests.write(file, content);
        String commit = manifests.commitAll("change " + file);
        assertEquals(200, nodes.admin("web1.example.net", "POST", "/v1/environments/refresh").status());
        return commit;
    }

    private void report(Report report) throws Exception {
        ScriptedNodes.Answer answer = nodes.report(report);
        assertEquals(201, answer.status(), answer.body());
    }
}
