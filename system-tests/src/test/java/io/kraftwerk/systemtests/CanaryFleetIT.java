package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.RunStatus;
import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.HostBridge;
import io.kraftwerk.testkit.MasterProcess;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The fleet as one system, with real agents: web1, web2 and lb1 as disposable nodes in their own
 * network namespaces on a bridge, the master on the host with the example site, web1 the canary of
 * production's rollouts, and a webhook listener. lb1's upstreams follow web2 joining; a commit that
 * breaks the hello app fails on web1 and never reaches web2, whose app keeps serving through lb1; the
 * alerts arrive signed; an abort brings web1 back; a good commit is promoted by web1's run and
 * reaches web2; web1 falls silent and leaves lb1's upstreams. The run interval is 45 s here, so a node
 * is unresponsive after 90 s without a report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CanaryFleetIT {
    private static final String TOKEN = "canary-token-51d2";
    private static final String MASTER_NAME = "kw-master.test";
    private static final String SECRET = "canary-fleet-it-webhook-secret-0123456789";
    private static final Duration RUN_INTERVAL = Duration.ofSeconds(45);
    private static final Map<String, String> ADDRESSES = new LinkedHashMap<>();

    static {
        ADDRESSES.put("web1.example.net", "10.0.0.11");
        ADDRESSES.put("web2.example.net", "10.0.0.12");
        ADDRESSES.put("lb1.example.net", "10.0.0.13");
    }

    private HostBridge bridge;
    private GitRepo manifests;
    private MasterProcess master;
    private HttpServer listener;
    private final Map<String, DisposableNode> nodes = new LinkedHashMap<>();
    private final List<String[]> alerts = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startFleet() throws Exception {
        Repo.requireCachedPackages();
        Path work = Files.createDirectories(Repo.SCRATCH).resolve("canary-fleet-it");
        Repo.deleteTree(work);
        listener = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        listener.createContext("/alerts", exchange -> {
            alerts.add(new String[] {exchange.getRequestHeaders().getFirst("Kraftwerk-Event"),
                    exchange.getRequestHeaders().getFirst("Kraftwerk-Signature"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)});
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        listener.start();
        bridge = HostBridge.create("10.0.0.1", 24);
        manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production");
        manifests.write("data/nodes/web2.example.net.yaml", manifests.read("data/nodes/web1.example.net.yaml"));
        manifests.write("site.yaml", manifests.read("site.yaml").replace("\nnodes:\n",
                "\nrollout:\n  canary: {nodes: [web1.example.net]}\n  within: 10m\n\nnodes:\n"));
        manifests.commitAll("web2; production rolls out through web1");
        Path data = work.resolve("data");
        Files.createDirectories(data);
        Files.writeString(work.resolve("token"), TOKEN + "\n");
        Files.writeString(data.resolve("alerts.secret"), SECRET + "\n");
        Files.setPosixFilePermissions(data.resolve("alerts.secret"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(data.resolve("webhooks.yaml"), "webhooks:\n  - name: ops\n    url: http://127.0.0.1:"
                + listener.getAddress().getPort() + "/alerts\n    secret_file: alerts.secret\n    events: [node_failed, rollout_halted]\n");
        master = MasterProcess.start(Repo.ROOT, data, manifests.dir().toString(), List.of("--host", bridge.address(), "--name",
                MASTER_NAME, "--ip", bridge.address(), "--poll-interval", "1s", "--autosign-token-file", work.resolve("token").toString()),
                "-Dkraftwerk.master.run-interval=" + RUN_INTERVAL.toSeconds() + "s");
        BridgedMaster.startNodes(bridge, MASTER_NAME, ADDRESSES, nodes);
        BridgedMaster.buildExampleApps(master, manifests.dir());
    }

    @AfterAll
    void stopFleet() throws Exception {
        for (DisposableNode node : nodes.values()) {
            node.close();
        }
        if (master != null) {
            master.close();
        }
        if (bridge != null) {
            bridge.close();
        }
        if (listener != null) {
            listener.stop(0);
        }
    }

    @Test
    void theFleetRollsOutThroughItsCanaryAndTheBalancerFollowsItsWebNodes() throws Exception {
        for (Map.Entry<String, DisposableNode> n : nodes.entrySet()) {
            DisposableNode.Result r = n.getValue().exec(List.of(Repo.agent(), "bootstrap", "--server", "https://" + MASTER_NAME + ":"
                    + master.port(), "--certname", n.getKey(), "--token", TOKEN, "--wait", "30"), Duration.ofMinutes(2));
            assertEquals(0, r.exitCode(), n.getKey() + ": " + r.stdout() + r.stderr());
        }
        String first = manifests.head();

        // web1 runs; then lb1 (web1 is its only upstream) while web2 takes its first run; then both again
        assertEquals(2, pull("web1.example.net").exitCode());
        Map<String, AgentRun> runs = parallel(List.of("lb1.example.net", "web2.example.net"));
        runs.forEach((name, run) -> assertEquals(2, run.exitCode(), name + ":\n" + run.output()));
        assertEquals(List.of("10.0.0.11:80"), upstreams());
        Map<String, AgentRun> joined = parallel(List.of("web1.example.net", "lb1.example.net"));
        assertEquals(0, joined.get("web1.example.net").exitCode(), joined.get("web1.example.net").output());
        assertEquals(2, joined.get("lb1.example.net").exitCode(), joined.get("lb1.example.net").output());
        assertEquals(List.of("10.0.0.11:80", "10.0.0.12:80"), upstreams(), "web2 ran: it joined lb1's upstreams");
        assertEquals(200, Http.await(nodes.get("lb1.example.net"), "blog.example.net", "/", Http::served, Duration.ofSeconds(30))
                .status(), "lb1 proxies to the web nodes");

        // a commit that breaks the hello app: web1 (the canary) takes it and fails; web2 stays on the first commit
        manifests.write("roles/web.yaml", manifests.read("roles/web.yaml")
                .replace("module: kwhello.app:application", "module: kwhello.app:no_such_application"));
        String broken = manifests.commitAll("hello: a module that does not exist");
        awaitPolled(broken);
        AgentRun canary = pull("web1.example.net");
        assertEquals(broken, canary.report().catalogVersion());
        assertEquals(RunStatus.FAILED, canary.report().status(), canary.output());
        JsonNode rollout = ModelJson.mapper().readTree(admin("GET", "/v1/environments/production/rollout"));
        assertEquals("halted", rollout.get("state").asText(), rollout.toString());
        AgentRun web2 = pull("web2.example.net");
        assertEquals(first, web2.report().catalogVersion(), "the broken commit never reaches web2");
        assertEquals(0, web2.exitCode(), web2.output());
        assertEquals(200, Http.await(nodes.get("web2.example.net"), "hello.example.net", "/", Http::served, Duration.ofSeconds(30))
                .status(), "web2's hello app still serves");
        assertEquals(200, Http.await(nodes.get("web1.example.net"), "hello.example.net", "/", Http::served, Duration.ofSeconds(30))
                .status(), "and so does web1's: its broken release was never switched to");
        awaitAlerts(List.of("node_failed", "rollout_halted"));
        for (String[] alert : alerts) {
            long t = Long.parseLong(alert[1].substring(2, alert[1].indexOf(',')));
            assertEquals("t=" + t + ",v1=" + hmac(t + "." + alert[2]), alert[1], "signed: " + alert[2]);
        }

        // the admin aborts: web1 returns to the first commit
        Map.Entry<Integer, String> abort = master.cli(Repo.ROOT, "rollout", "abort", "production", "--server",
                "https://" + bridge.address() + ":" + master.port());
        assertEquals(0, abort.getKey(), abort.getValue());
        assertTrue(abort.getValue().startsWith("production: aborted\n"), abort.getValue());
        AgentRun back = pull("web1.example.net");
        assertEquals(first, back.report().catalogVersion(), back.output());
        assertTrue(back.report().status() != RunStatus.FAILED, back.output());

        // a good commit: web1 runs it well, which promotes it, and web2 takes it on its next run
        manifests.write("roles/web.yaml", manifests.read("roles/web.yaml")
                .replace("module: kwhello.app:no_such_application", "module: kwhello.app:application"));
        manifests.write("templates/motd.txt", manifests.read("templates/motd.txt") + "Maintenance: Sundays 04:00 UTC\n");
        String good = manifests.commitAll("hello fixed; a maintenance window");
        awaitPolled(good);
        assertEquals(good, pull("web1.example.net").report().catalogVersion());
        assertEquals("promoted", ModelJson.mapper().readTree(admin("GET", "/v1/environments/production/rollout")).get("state").asText());
        Map<String, AgentRun> rest = parallel(List.of("web2.example.net", "lb1.example.net"));
        rest.forEach((name, run) -> assertEquals(good, run.report().catalogVersion(), name));

        // web1 falls silent: lb1's upstreams lose it once it has not reported for twice the run interval
        Instant deadline = Instant.now().plus(RUN_INTERVAL.multipliedBy(4));
        List<String> upstreams;
        do {
            parallel(List.of("web2.example.net", "lb1.example.net"));
            upstreams = upstreams();
        } while (upstreams.size() > 1 && Instant.now().isBefore(deadline));
        assertEquals(List.of("10.0.0.12:80"), upstreams, "web1 has been silent for twice the run interval");
        assertEquals(200, Http.await(nodes.get("lb1.example.net"), "blog.example.net", "/", Http::served, Duration.ofSeconds(30))
                .status());
    }

    /** The servers of lb1's hello upstream, as nginx has them. */
    private List<String> upstreams() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(nodes.get("lb1.example.net").path("/etc/nginx/sites-available/hello.example.net"))) {
            if (line.strip().startsWith("server ") && line.strip().endsWith(";")) {
                out.add(line.strip().substring("server ".length(), line.strip().length() - 1));
            }
        }
        return out;
    }

    private AgentRun pull(String node) throws Exception {
        return AgentRun.pull(nodes.get(node));
    }

    private Map<String, AgentRun> parallel(List<String> names) throws Exception {
        return fleet().on(names, (name, node) -> AgentRun.pull(node));
    }

    private BridgedMaster fleet() {
        return new BridgedMaster(master, bridge, MASTER_NAME, nodes);
    }

    private void awaitAlerts(List<String> types) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!alerts.stream().map(a -> a[0]).toList().containsAll(types) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200); // polling the listener for the condition: the master sends every 2 s
        }
        assertTrue(alerts.stream().map(a -> a[0]).toList().containsAll(types), alerts.stream().map(a -> a[0]).toList().toString());
    }

    private void awaitPolled(String commit) throws Exception {
        fleet().awaitPolled(commit);
    }

    private String admin(String method, String path) throws Exception {
        return fleet().admin(method, path);
    }

    private static String hmac(String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    }
}
