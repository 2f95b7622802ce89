package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import io.kraftwerk.testkit.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two masters as docs/scaling.md sets them up: one PostgreSQL, one CA directory shared by both
 * (here a symbolic link; in production a shared file system), the same manifests. A node is served
 * by either — whichever the load balancer picks — and its reports from both land in one history;
 * a revocation made on one master is refused by the other on the next request.
 */
class ScaleOutIT {
    private static final String NODE = "web1.example.net";

    private static String version(FleetApi.Answer catalog) throws Exception {
        assertEquals(200, catalog.status(), catalog.body());
        return catalog.json().get("version").asText();
    }

    @Test
    void twoMastersShareTheDatabaseAndTheCertificateAuthority() throws Exception {
        Path work = Files.createDirectories(Repo.SCRATCH).resolve("scale-out");
        Repo.deleteTree(work);
        GitRepo manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production");
        manifests.write("data/nodes/web2.example.net.yaml", manifests.read("data/nodes/web1.example.net.yaml"));
        manifests.write("site.yaml", manifests.read("site.yaml").replace("\nnodes:\n",
                "\nrollout:\n  canary: {nodes: [web1.example.net]}\n\nnodes:\n"));
        String head = manifests.commitAll("web2; production rolls out through web1");
        byte[] facts = Files.readAllBytes(Repo.ROOT.resolve("manifests/facts/web1.example.net.json"));
        try (PostgresServer postgres = PostgresServer.start()) {
            Path password = work.resolve("pg-password");
            Files.writeString(password, postgres.password());
            List<String> options = List.of("--host", "127.0.0.1", "--name", "localhost", "--name", "kw-master.example.net",
                    "--ip", "127.0.0.1", "--database", postgres.jdbcUrl(), "--database-user", PostgresServer.USER,
                    "--database-password-file", password.toString());
            // each master has its own data directory: both stores hold the example's apps
            Repo.stockStore(work.resolve("a"));
            Repo.stockStore(work.resolve("b"));
            try (MasterProcess first = MasterProcess.start(Repo.ROOT, work.resolve("a"), manifests.dir().toString(), options, "")) {
                Files.createDirectories(work.resolve("b"));
                Files.createSymbolicLink(work.resolve("b/ca"), first.caDir());
                try (MasterProcess second = MasterProcess.start(Repo.ROOT, work.resolve("b"), manifests.dir().toString(), options, "")) {
                    assertNotEquals(first.adminToken(), second.adminToken(), "each master keeps its own admin token");
                    NodeIdentity web1 = NodeIdentity.issue(first.caDir(), NODE);
                    FleetApi a = new FleetApi(first);
                    FleetApi b = new FleetApi(second);

                    FleetApi.Answer fromA = a.asNode(web1, "POST", "/v1/catalogs/" + NODE, facts);
                    FleetApi.Answer fromB = b.asNode(web1, "POST", "/v1/catalogs/" + NODE, facts);
                    assertEquals(200, fromA.status(), fromA.body());
                    assertEquals(200, fromB.status(), fromB.body());
                    assertEquals(fromA.json(), fromB.json(), "both masters compile the same catalog");

                    List<String> runs = new ArrayList<>();
                    for (FleetApi master : List.of(a, b)) {
                        var report = ScriptedReports.changed(NODE, Instant.now().minusSeconds(60 - runs.size()));
                        runs.add(report.runId());
                        FleetApi.Answer stored = master.asNode(web1, "POST", "/v1/reports/" + NODE, ModelJson.writeBytes(report));
                        assertEquals(201, stored.status(), stored.body());
                    }
                    for (FleetApi master : List.of(a, b)) {
                        FleetApi.Answer history = master.get("/v1/fleet/nodes/" + NODE + "/reports?limit=10");
                        assertEquals(200, history.status(), history.body());
                        List<String> seen = new ArrayList<>();
                        for (JsonNode r : history.json().get("reports")) {
                            seen.add(r.get("run_id").asText());
                        }
                        assertEquals(List.of(runs.get(1), runs.get(0)), seen, "one history, newest first, whichever master stored it");
                    }

                    // one rollout, whichever master starts it, advances it or decides it
                    NodeIdentity web2 = NodeIdentity.issue(first.caDir(), "web2.example.net");
                    byte[] web2Facts = new String(facts, StandardCharsets.UTF_8).replace("web1", "web2").replace("10.0.0.11", "10.0.0.12")
                            .getBytes(StandardCharsets.UTF_8);
                    assertEquals(200, a.asNode(web2, "POST", "/v1/catalogs/web2.example.net", web2Facts).status());
                    for (NodeIdentity node : List.of(web1, web2)) {
                        String name = node.certname();
                        assertEquals(201, a.asNode(node, "POST", "/v1/reports/" + name, ModelJson.writeBytes(
                                ScriptedReports.onVersion(ScriptedReports.unchanged(name, Instant.now()), head))).status());
                    }
                    manifests.write("templates/motd.txt", manifests.read("templates/motd.txt") + "Maintenance: Sundays 04:00 UTC\n");
                    String next = manifests.commitAll("motd: maintenance");
                    assertEquals(200, b.post("/v1/environments/refresh").status());
                    assertEquals(next, version(b.asNode(web1, "POST", "/v1/catalogs/" + NODE, facts)), "B starts the rollout: web1 first");
                    assertEquals(head, version(a.asNode(web2, "POST", "/v1/catalogs/web2.example.net", web2Facts)),
                            "A has not polled the new commit yet, and follows the rollout B started: web2 stays");
                    assertEquals(200, a.post("/v1/environments/refresh").status());
                    assertEquals(head, version(a.asNode(web2, "POST", "/v1/catalogs/web2.example.net", web2Facts)));
                    assertEquals(next, version(a.asNode(web1, "POST", "/v1/catalogs/" + NODE, facts)), "both give web1 the candidate");
                    FleetApi.Answer canaryRun = a.asNode(web1, "POST", "/v1/reports/" + NODE, ModelJson.writeBytes(
                            ScriptedReports.onVersion(ScriptedReports.unchanged(NODE, Instant.now()), next)));
                    assertEquals(201, canaryRun.status());
                    assertEquals("promoted", b.get("/v1/environments/production/rollout").json().get("state").asText(),
                            "the canary's run on A promoted the commit for B too");
                    Instant deadline = Instant.now().plusSeconds(10);
                    String served;
                    do {
                        served = version(b.asNode(web2, "POST", "/v1/catalogs/web2.example.net", web2Facts));
                    } while (!served.equals(next) && Instant.now().isBefore(deadline));
                    assertEquals(next, served, "B serves the promoted commit within its two-second re-read");

                    Map.Entry<Integer, String> revoked = first.cli(Repo.ROOT, "ca", "revoke", NODE);
                    assertEquals(0, revoked.getKey(), revoked.getValue());
                    FleetApi.Answer refused = b.asNode(web1, "POST", "/v1/catalogs/" + NODE, facts);
                    assertEquals(403, refused.status(), "revoked on one master, refused by the other: " + refused.body());
                }
            }
        }
    }
}
