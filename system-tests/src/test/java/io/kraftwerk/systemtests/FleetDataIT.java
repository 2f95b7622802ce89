package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.NginxVhostResource;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The example load balancer's upstreams come from the fleet ({@code ${fleet.web_backends}} in
 * site.yaml): a real master, nodes speaking its protocol (catalog requests with their facts, reports),
 * and lb1's catalog following web nodes as they join, fail and fall silent — while the catalogs of
 * nodes that read nothing of the fleet stay the same bytes (304). The run interval is 3 s here, so a
 * node is unresponsive after 6 s without a report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetDataIT {
    private static final Duration RUN_INTERVAL = Duration.ofSeconds(3);
    private Path work;
    private GitRepo manifests;
    private String first;
    private MasterProcess master;
    private ScriptedNodes nodes;

    @BeforeAll
    void startMaster() throws Exception {
        work = Files.createDirectories(Repo.SCRATCH).resolve("fleet-data-it");
        Repo.deleteTree(work);
        manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production");
        // a second web node: the site's glob gives it the web role; its app's secret key is its own data file
        manifests.write("data/nodes/web2.example.net.yaml", manifests.read("data/nodes/web1.example.net.yaml"));
        first = manifests.commitAll("web2");
        Repo.stockStore(work.resolve("data"));
        master = MasterProcess.start(Repo.ROOT, work.resolve("data"), manifests.dir().toString(), List.of("--host", "127.0.0.1",
                "--name", "localhost", "--ip", "127.0.0.1", "--poll-interval", "1h"),
                "-Dkraftwerk.master.run-interval=" + RUN_INTERVAL.toSeconds() + "s");
        nodes = new ScriptedNodes(master, List.of("web1.example.net", "web2.example.net", "lb1.example.net"));
    }

    @AfterAll
    void stopMaster() throws Exception {
        if (master != null) {
            master.close();
        }
    }

    @Test
    void theLoadBalancersUpstreamsFollowTheWebNodes() throws Exception {
        // no web node has reported: lb1 has no upstream and no catalog (its agent keeps the last good one)
        ScriptedNodes.Answer none = catalog("lb1.example.net", null);
        assertEquals(422, none.status(), none.body());
        assertTrue(none.body().contains("upstream"), none.body());

        // web1 asks for its catalog and reports: it is in the pool
        ScriptedNodes.Answer web1 = catalog("web1.example.net", null);
        assertEquals(200, web1.status(), web1.body());
        assertNull(ModelJson.readCatalog(web1.body().getBytes(StandardCharsets.UTF_8), "web1").fleetDigest(),
                "web1's catalog reads nothing of the fleet");
        report(ScriptedReports.unchanged("web1.example.net", Instant.now()));
        ScriptedNodes.Answer one = catalog("lb1.example.net", null);
        assertEquals(List.of("10.0.0.11:80"), upstream(one));
        assertNotNull(ModelJson.readCatalog(one.body().getBytes(StandardCharsets.UTF_8), "lb1").fleetDigest());

        // web2 joins: asked for a catalog, not yet reported — not in the pool until its first run reports
        assertEquals(200, catalog("web2.example.net", null).status());
        assertEquals(304, catalog("lb1.example.net", one.etag()).status(), "a node that has not run yet is not in the pool");
        report(ScriptedReports.unchanged("web2.example.net", Instant.now()));
        ScriptedNodes.Answer two = catalog("lb1.example.net", one.etag());
        assertEquals(200, two.status(), "web2 reported: lb1's catalog changed");
        assertEquals(List.of("10.0.0.11:80", "10.0.0.12:80"), upstream(two));
        assertEquals(304, catalog("web1.example.net", web1.etag()).status(), "web1's catalog is the same bytes");

        // web2's run fails: out of the pool until a run succeeds again
        report(ScriptedReports.failed("web2.example.net", Instant.now()));
        assertEquals(List.of("10.0.0.11:80"), upstream(catalog("lb1.example.net", two.etag())));
        report(ScriptedReports.unchanged("web2.example.net", Instant.now()));
        ScriptedNodes.Answer back = catalog("lb1.example.net", null);
        assertEquals(List.of("10.0.0.11:80", "10.0.0.12:80"), upstream(back));
        assertEquals(two.etag(), back.etag(), "the same fleet gives the same catalog, down to the byte");

        // web1 falls silent (no report for twice the run interval) while web2 keeps reporting: web1 leaves the pool
        Instant deadline = Instant.now().plus(RUN_INTERVAL.multipliedBy(10));
        List<String> upstream;
        do {
            report(ScriptedReports.unchanged("web2.example.net", Instant.now()));
            upstream = upstream(catalog("lb1.example.net", null));
        } while (upstream.size() > 1 && Instant.now().isBefore(deadline));
        assertEquals(List.of("10.0.0.12:80"), upstream, "web1 has been silent for twice the run interval");

        // what a commit would change, asked of the running master from its host (admin token and CA from its data
        // directory): its nodes with their latest facts, and the fleet as it is now
        manifests.write("roles/lb.yaml", manifests.read("roles/lb.yaml").replace("client_max_body_size: 10m", "client_max_body_size: 20m"));
        String next = manifests.commitAll("lb: larger uploads");
        assertEquals(200, nodes.admin("lb1.example.net", "POST", "/v1/environments/refresh").status());
        Map.Entry<Integer, String> diff = master.cli(Repo.ROOT, "diff", "--server", master.url("localhost").toString(), "--from", first);
        assertEquals(2, diff.getKey(), diff.getValue());
        assertTrue(diff.getValue().startsWith("diff " + first + " -> " + next + "\n"), diff.getValue());
        assertTrue(diff.getValue().contains("lb1.example.net (production): 1 changed, 0 added, 0 removed\n"
                + "  ~ nginx_vhost[hello.example.net]\n      client_max_body_size: '10m' -> '20m'\n"), diff.getValue());
        assertTrue(diff.getValue().contains("web1.example.net: no change\n") && diff.getValue().contains("web2.example.net: no change\n"),
                diff.getValue());
        assertTrue(diff.getValue().endsWith("3 nodes: 1 changed (1 resource), 2 unchanged, 0 not compiling\n"), diff.getValue());
        Map.Entry<Integer, String> json = master.cli(Repo.ROOT, "diff", "--server", master.url("localhost").toString(), "--from", first,
                "--nodes", "web*", "--json");
        assertEquals(0, json.getKey(), json.getValue());
        assertEquals(2, ModelJson.mapper().readTree(json.getValue()).get("summary").get("nodes").asInt());
        ScriptedNodes.Answer unknown = nodes.admin("lb1.example.net", "GET", "/v1/environments/production/diff?from=no-such-branch");
        assertEquals(400, unknown.status());
        assertTrue(unknown.body().contains("'no-such-branch' names no commit"), unknown.body());
        assertEquals(403, nodes.call("lb1.example.net", "GET", "/v1/environments/production/diff", null, null, Map.of()).status(),
                "a node is not an admin");

        // web2's certificate is revoked: it leaves the pool at once, not after twice the run interval; with no web node
        // left, lb1 has no upstream and no catalog (its agent keeps the last good one)
        Map.Entry<Integer, String> revoked = master.cli(Repo.ROOT, "ca", "revoke", "web2.example.net");
        assertEquals(0, revoked.getKey(), revoked.getValue());
        ScriptedNodes.Answer without = catalog("lb1.example.net", null);
        assertEquals(422, without.status(), without.body());
        assertTrue(without.body().contains("upstream"), without.body());
    }

    private List<String> upstream(ScriptedNodes.Answer answer) throws Exception {
        assertEquals(200, answer.status(), answer.body());
        Catalog catalog = ModelJson.readCatalog(answer.body().getBytes(StandardCharsets.UTF_8), "lb1");
        return catalog.resources().stream().filter(r -> r.resource() instanceof NginxVhostResource)
                .map(r -> ((NginxVhostResource) r.resource()).upstream()).findFirst().orElseThrow();
    }

    private ScriptedNodes.Answer catalog(String node, String etag) throws Exception {
        return nodes.catalog(node, etag);
    }

    private void report(Report report) throws Exception {
        ScriptedNodes.Answer answer = nodes.report(report);
        assertEquals(201, answer.status(), answer.body());
    }
}
