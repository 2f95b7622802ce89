package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Canary rollouts ({@code rollout:} in site.yaml) against a real master, with nodes speaking its
 * protocol: web1 is the canary, web2 the rest of the fleet. A commit reaches web1 first; web1's failing
 * run halts it and web2 never gets it; a fix rolls out and is promoted by web1's good run; an admin
 * aborts and promotes from the command line and from the dashboard (whose buttons need the session's
 * CSRF token); a canary that does not report in time halts the rollout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolloutIT {
    private Path work;
    private GitRepo manifests;
    private MasterProcess master;
    private ScriptedNodes nodes;

    @BeforeAll
    void startMaster() throws Exception {
        work = Files.createDirectories(Repo.SCRATCH).resolve("rollout-it");
        Repo.deleteTree(work);
        manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production");
        manifests.write("data/nodes/web2.example.net.yaml", manifests.read("data/nodes/web1.example.net.yaml"));
        manifests.write("site.yaml", manifests.read("site.yaml").replace("\nnodes:\n",
                "\nrollout:\n  canary: {nodes: [web1.example.net]}\n  within: 10m\n\nnodes:\n"));
        manifests.commitAll("web2, and rollouts with web1 as the canary");
        Repo.stockStore(work.resolve("data"));
        master = MasterProcess.start(Repo.ROOT, work.resolve("data"), manifests.dir().toString(), List.of("--host", "127.0.0.1",
                "--name", "localhost", "--ip", "127.0.0.1", "--poll-interval", "1h"), "");
        nodes = new ScriptedNodes(master, List.of("web1.example.net", "web2.example.net"));
    }

    @AfterAll
    void stopMaster() throws Exception {
        if (master != null) {
            master.close();
        }
    }

    @Test
    void aCommitReachesTheCanaryFirstAndTheRestOnlyOnceItRanWell() throws Exception {
        String a = manifests.head();
        // both nodes run the first commit (a rollout policy with nothing before it rolls nothing out)
        assertEquals(a, version("web1.example.net"));
        assertEquals(a, version("web2.example.net"));
        report("web1.example.net", a, false);
        report("web2.example.net", a, false);

        // B reaches web1 only
        String b = commit("templates/motd.txt", "Maintenance: Sundays 04:00 UTC\n", "motd: maintenance");
        assertEquals(b, version("web1.example.net"), "the canary gets the new commit");
        assertEquals(a, version("web2.example.net"), "the rest stay on the stable commit");
        JsonNode status = status();
        assertEquals("canary", status.get("state").asText());
        assertEquals(List.of("web1.example.net"), List.of(status.get("canaries").get(0).asText()));

        // web1's run on B fails: halted, web2 never gets B
        long failedReport = report("web1.example.net", b, true);
        status = status();
        assertEquals("halted", status.get("state").asText());
        assertEquals("canary web1.example.net failed its run on " + b, status.get("reason").asText());
        assertEquals("/v1/fleet/reports/" + failedReport, status.get("failed_report").asText());
        assertEquals(a, version("web2.example.net"));
        assertEquals(b, version("web1.example.net"), "the canary keeps the candidate: its reports show the failure");
        report("web2.example.net", a, false);
        assertEquals("halted", status().get("state").asText(), "the others' runs change nothing");

        // a fix, C, rolls out from the last good commit; web1 runs it well: promoted, web2 takes it
        String c = commit("templates/motd.txt", "Maintenance: Sundays 05:00 UTC\n", "motd: the right hour");
        assertEquals(c, version("web1.example.net"));
        assertEquals(a, version("web2.example.net"));
        assertEquals(a, status().get("stable").asText());
        report("web1.example.net", c, false);
        status = status();
        assertEquals("promoted", status.get("state").asText());
        assertEquals("every canary ran " + c + " without failing", status.get("reason").asText());
        assertEquals(c, version("web2.example.net"));

        // D, aborted from the command line: every node, the canary too, stays on C
        String d = commit("templates/motd.txt", "D\n", "d");
        assertEquals(d, version("web1.example.net"));
        Map.Entry<Integer, String> abort = master.cli(Repo.ROOT, "rollout", "abort", "production", "--server",
                master.url("localhost").toString());
        assertEquals(0, abort.getKey(), abort.getValue());
        assertTrue(abort.getValue().startsWith("production: aborted\n"), abort.getValue());
        assertEquals(c, version("web1.example.net"), "an aborted candidate is served to no one");
        assertEquals(c, version("web2.example.net"));
        Map.Entry<Integer, String> again = master.cli(Repo.ROOT, "rollout", "promote", "production", "--server",
                master.url("localhost").toString());
        assertEquals(1, again.getKey(), "nothing in progress to promote: " + again.getValue());
        assertTrue(again.getValue().contains("409") && again.getValue().contains("no rollout in progress"), again.getValue());

        // E, promoted from the dashboard: its button posts the session's CSRF token; a post without it is refused
        String e = commit("templates/motd.txt", "E\n", "e");
        assertEquals(e, version("web1.example.net"));
        assertEquals(c, version("web2.example.net"));
        DashboardSession dashboard = DashboardSession.signIn(master, nodes.client("web1.example.net"));
        String page = dashboard.get("/dashboard/environments/production");
        assertTrue(page.contains("id=\"rollout-state\">canary<"), page);
        assertEquals(400, dashboard.post("/dashboard/environments/production/rollout/promote", "").statusCode());
        assertEquals(400, dashboard.post("/dashboard/environments/production/rollout/promote", "csrf=" + "0".repeat(64)).statusCode());
        assertEquals("canary", status().get("state").asText(), "refused posts changed nothing");
        Matcher token = Pattern.compile("name=\"csrf\" value=\"([0-9a-f]{64})\"").matcher(page);
        assertTrue(token.find(), page);
        HttpResponse<String> promoted = dashboard.post("/dashboard/environments/production/rollout/promote",
                "csrf=" + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8));
        assertEquals(303, promoted.statusCode(), promoted.body());
        assertEquals("promoted", status().get("state").asText());
        assertEquals("promoted by the admin (dashboard)", status().get("reason").asText());
        assertEquals(e, version("web2.example.net"));

        // F with a 5-second limit: the canary never reports, the rollout halts by itself
        manifests.write("site.yaml", manifests.read("site.yaml").replace("within: 10m", "within: 5s"));
        String f = commit("templates/motd.txt", "F\n", "f, with a short limit");
        assertEquals(f, version("web1.example.net"));
        Instant deadline = Instant.now().plusSeconds(60);
        while (status().get("state").asText().equals("canary") && Instant.now().isBefore(deadline)) {
            Thread.sleep(500); // polling the master for the condition: its limit is checked every 10 s
        }
        status = status();
        assertEquals("halted", status.get("state").asText());
        assertTrue(status.get("reason").asText().startsWith("canary web1.example.net did not report on " + f + " by "),
                status.get("reason").asText());
        assertEquals(e, version("web2.example.net"));
    }

    private String commit(String file, String appended, String message) throws Exception {
        manifests.write(file, manifests.read(file) + appended);
        String commit = manifests.commitAll(message);
        assertEquals(200, nodes.admin("web1.example.net", "POST", "/v1/environments/refresh").status());
        return commit;
    }

    private JsonNode status() throws Exception {
        ScriptedNodes.Answer answer = nodes.admin("web1.example.net", "GET", "/v1/environments/production/rollout");
        assertEquals(200, answer.status(), answer.body());
        return ModelJson.mapper().readTree(answer.body());
    }

    /** The commit the master serves the node now. */
    private String version(String node) throws Exception {
        ScriptedNodes.Answer answer = nodes.catalog(node, null);
        assertEquals(200, answer.status(), answer.body());
        return ModelJson.readCatalog(answer.body().getBytes(StandardCharsets.UTF_8), node).version();
    }

    /** Sends a report of a run on {@code version}; returns its id as the master stored it. */
    private long report(String node, String version, boolean failed) throws Exception {
        Report report = ScriptedReports.onVersion(failed ? ScriptedReports.failed(node, Instant.now())
                : ScriptedReports.unchanged(node, Instant.now()), version);
        ScriptedNodes.Answer answer = nodes.report(report);
        assertEquals(201, answer.status(), answer.body());
        return ModelJson.mapper().readTree(nodes.admin(node, "GET", "/v1/fleet/nodes/" + node + "/reports?limit=1").body())
                .get("reports").get(0).get("id").asLong();
    }
}
