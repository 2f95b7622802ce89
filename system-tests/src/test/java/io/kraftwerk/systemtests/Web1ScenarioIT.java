package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.report.EventStatus;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.report.RunMode;
import io.kraftwerk.model.report.RunStatus;
import io.kraftwerk.model.resource.NginxVhostResource;
import io.kraftwerk.model.resource.TlsSettings;
import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.TreeSnapshot;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The example site's web1 on a bare disposable node, step by step as an operator lives it: first
 * run, idempotent second run, tampering found by noop and repaired, a broken vhost refused.
 * The steps share one node: each builds on the state the previous one left.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Web1ScenarioIT {
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private DisposableNode node;
    private Catalog catalog;

    @BeforeAll
    void startNode() throws Exception {
        Repo.requireCachedPackages();
        node = DisposableNode.start(Repo.SCRATCH, "web1.example.net", Repo.ROOT);
        catalog = Repo.compile("web1.example.net");
        Repo.seedArtifacts(node, catalog);
    }

    @AfterAll
    void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void theFirstRunBuildsTheWholeSiteOnABareNode() throws Exception {
        AgentRun run = AgentRun.apply(node, catalog);
        assertEquals(2, run.exitCode(), run.output());
        assertEquals(RunStatus.CHANGED, run.report().status());
        assertEquals(0, run.report().metrics().resources().get("failed"), run.output());
        for (String pkg : List.of("nginx", "runit", "python3-gunicorn", "unattended-upgrades")) {
            assertEquals(0, node.exec(List.of("dpkg-query", "--show", pkg)).exitCode(), pkg + " is installed");
        }
        assertTrue(node.exec(List.of("getent", "passwd", "hello")).orThrow().stdout().contains(":/srv/hello:/usr/sbin/nologin"));
        assertEquals("hello hello 750\n", node.exec(List.of("stat", "-c", "%U %G %a", "/srv/hello/data/uploads")).orThrow().stdout());
        assertEquals("blog www-data 2750\n", node.exec(List.of("stat", "-c", "%U %G %a", "/srv/blog/data/media")).orThrow().stdout());
        assertTrue(node.exec(List.of("/srv/hello/current/venv/bin/python", "-c", "import kwhello; print(kwhello.__version__)"))
                .orThrow().stdout().contains("1.0.0"), "the sample app is installed in its release from the artifact store");
        assertTrue(node.exec(List.of("sv", "status", "/etc/service/hello@" + release("hello"))).orThrow().stdout().startsWith("run:"));
        assertTrue(node.exec(List.of("sv", "status", "/etc/service/status")).orThrow().stdout().startsWith("run:"));
        assertTrue(node.exec(List.of("curl", "--silent", "http://127.0.0.1:8099/")).orThrow().stdout().startsWith("ok node="),
                "the status page's heartbeat is fresh");

        Http page = Http.await(node, "hello.example.net", "/", Http::served, SETTLE);
        assertEquals(200, page.status(), page.body());
        assertTrue(page.body().contains("<h1>Hello from Kraftwerk</h1>"), page.body());
        Http css = Http.get(node, "hello.example.net", "/static/style.css");
        assertEquals(200, css.status());
        assertEquals(Files.readString(Repo.ROOT.resolve("manifests/apps/kwhello/src/kwhello/static/style.css")), css.body());
        Http redirect = Http.get(node, "www.hello.example.net", "/some/page?x=1");
        assertEquals(301, redirect.status());
        assertEquals("http://hello.example.net/some/page?x=1", redirect.location());
        Http blog = Http.await(node, "blog.example.net", "/", Http::served, SETTLE);
        assertEquals("<h1>The example.net blog</h1>", blog.body());
    }

    @Test
    @Order(2)
    void theSecondRunChangesNothing() throws Exception {
        AgentRun run = AgentRun.apply(node, catalog);
        assertEquals(0, run.exitCode(), run.output());
        assertEquals(RunStatus.UNCHANGED, run.report().status());
        assertEquals(0, run.report().metrics().changes());
        // the one audit resource reports its drift and is left alone
        assertEquals(List.of("package[openssh-server] ensure absent -> present audit"), run.changes());
    }

    @Test
    @Order(3)
    void noopFindsExactlyTheTamperingReportsItAndChangesNothing() throws Exception {
        node.exec(List.of("sh", "-c", "echo '# tampered' >> /etc/nginx/sites-available/hello.example.net")).orThrow();
        node.exec(List.of("sv", "-v", "-w", "10", "down", "/etc/service/hello.worker@" + release("hello"))).orThrow();
        node.exec(List.of("chmod", "0777", "/srv/hello/data/uploads")).orThrow();
        node.exec(List.of("rm", "/etc/kwhello/worker.ini")).orThrow();
        node.exec(List.of("apt-get", "remove", "-y", "-q", "less")).orThrow();
        String stateBefore = Files.readString(node.path("/var/lib/kraftwerk/state.json"));
        SortedMap<String, String> before = snapshot();
        String packagesBefore = node.exec(List.of("dpkg-query", "--show")).orThrow().stdout();
        String accountsBefore = node.exec(List.of("getent", "passwd")).orThrow().stdout();

        AgentRun run = AgentRun.apply(node, catalog, "--noop");

        assertEquals(2, run.exitCode(), run.output());
        assertEquals(RunMode.NOOP, run.report().mode());
        assertTrue(run.report().noopPending());
        assertTrue(run.report().correctiveChange());
        assertEquals(List.of(
                "package[less] ensure absent -> present corrective noop",
                "package[openssh-server] ensure absent -> present audit",
                "data_dir[/srv/hello/data/uploads] mode 0777 -> 0750 corrective noop",
                "file[/etc/kwhello/worker.ini] ensure absent -> present corrective noop",
                "wsgi_release[hello] state stopped -> running corrective noop",
                "nginx_vhost[hello.example.net] config " + run.resource("nginx_vhost[hello.example.net]").events().get(0).previous()
                        + " -> " + run.resource("nginx_vhost[hello.example.net]").events().get(0).desired() + " corrective noop"),
                run.changes(), "the vhost comes after the release it proxies to");
        assertTrue(run.resource("nginx_vhost[hello.example.net]").events().get(0).diff().contains("-# tampered"));
        assertEquals("would refresh (notified by file[/etc/kwhello/worker.ini])",
                run.resource("wsgi_release[hello]").events().get(1).message());

        assertEquals(List.of(), differences(before, snapshot()), "a noop run changes no file of the node");
        assertEquals(packagesBefore, node.exec(List.of("dpkg-query", "--show")).orThrow().stdout());
        assertEquals(accountsBefore, node.exec(List.of("getent", "passwd")).orThrow().stdout());
        assertEquals(stateBefore, Files.readString(node.path("/var/lib/kraftwerk/state.json")), "noop keeps the drift state");
    }

    @Test
    @Order(4)
    void theNextEnforcingRunRepairsEveryDriftAsCorrective() throws Exception {
        AgentRun run = AgentRun.apply(node, catalog);
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.report().correctiveChange());
        List<String> changed = run.report().resources().stream().filter(r -> r.status() == ResourceStatus.CHANGED)
                .map(ResourceReport::id).toList();
        assertEquals(List.of("package[less]", "data_dir[/srv/hello/data/uploads]", "file[/etc/kwhello/worker.ini]",
                "wsgi_release[hello]", "nginx_vhost[hello.example.net]"), changed);
        for (String id : changed) {
            assertTrue(run.resource(id).corrective(), id + " is a corrective change");
            assertTrue(run.resource(id).events().stream().allMatch(e -> e.status() == EventStatus.SUCCESS), id);
        }
        assertEquals(0, node.exec(List.of("dpkg-query", "--show", "less")).exitCode());
        assertEquals("750\n", node.exec(List.of("stat", "-c", "%a", "/srv/hello/data/uploads")).orThrow().stdout());
        assertTrue(node.exec(List.of("sv", "status", "/etc/service/hello.worker@" + release("hello"))).orThrow().stdout().startsWith("run:"));
        assertTrue(!Files.readString(node.path("/etc/nginx/sites-available/hello.example.net")).contains("tampered"));
        Http page = Http.await(node, "hello.example.net", "/", Http::served, SETTLE);
        assertTrue(page.body().contains("Hello from Kraftwerk"), page.body());
        assertEquals(0, AgentRun.apply(node, catalog).exitCode(), "and then the node is converged again");
    }

    @Test
    @Order(5)
    void aVhostThatFailsNginxCheckIsReportedAndTheSiteKeepsServing() throws Exception {
        String goodConfig = Files.readString(node.path("/etc/nginx/sites-available/hello.example.net"));
        Catalog broken = withBrokenHelloVhost(catalog);

        AgentRun run = AgentRun.apply(node, broken);

        assertEquals(4, run.exitCode(), run.output());
        ResourceReport vhost = run.resource("nginx_vhost[hello.example.net]");
        assertEquals(ResourceStatus.FAILED, vhost.status());
        assertTrue(vhost.message().contains("nginx -t rejected the new configuration"), vhost.message());
        assertTrue(vhost.message().contains("/etc/ssl/kraftwerk/missing.crt"), vhost.message());
        assertEquals(goodConfig, Files.readString(node.path("/etc/nginx/sites-available/hello.example.net")),
                "the previous configuration is back in place");
        assertEquals(0, node.exec(List.of("nginx", "-t", "-q")).exitCode(), "no broken configuration is left active");
        Http page = Http.get(node, "hello.example.net", "/");
        assertEquals(200, page.status());
        assertTrue(page.body().contains("Hello from Kraftwerk"));
        assertEquals(0, AgentRun.apply(node, catalog).exitCode(), "the good catalog is still in sync");
    }

    /** The id of the app's live release: where ROOT/current points. */
    private String release(String app) throws Exception {
        return Files.readSymbolicLink(node.path("/srv/" + app + "/current")).getFileName().toString();
    }

    /** The web1 catalog, with TLS files for the hello vhost that do not exist: valid data, rejected by nginx. */
    private static Catalog withBrokenHelloVhost(Catalog catalog) {
        List<CatalogResource> resources = new ArrayList<>();
        for (CatalogResource r : catalog.resources()) {
            if (r.resource() instanceof NginxVhostResource v && v.name().equals("hello.example.net")) {
                NginxVhostResource bad = new NginxVhostResource(v.name(), v.ensure(), v.serverNames(), v.redirectDomains(),
                        v.listen(), v.upstream(), v.staticLocations(), v.clientMaxBodySize(),
                        new TlsSettings("/etc/ssl/kraftwerk/missing.crt", "/etc/ssl/kraftwerk/missing.key"));
                resources.add(new CatalogResource(r.id(), bad, r.audit(), r.tags(), r.provenance()));
            } else {
                resources.add(r);
            }
        }
        Catalog out = new Catalog(catalog.formatVersion(), catalog.node(), catalog.environment(), catalog.version(),
                resources, catalog.edges());
        assertNotEquals(catalog, out);
        return out;
    }

    private static List<String> differences(SortedMap<String, String> before, SortedMap<String, String> after) {
        TreeSet<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            if (!Objects.equals(before.get(k), after.get(k))) {
                out.add(k + ": " + before.get(k) + " => " + after.get(k));
            }
        }
        return out;
    }

    /**
     * The node's changed files, but for logs, caches, runsv's own status files and the agent's
     * bookkeeping: its reports and the lock holder's PID (state.json is compared on its own).
     */
    private SortedMap<String, String> snapshot() throws Exception {
        return TreeSnapshot.capture(node.changes(), p -> !p.startsWith("/var/log") && !p.startsWith("/var/cache")
                && !p.startsWith("/var/lib/kraftwerk/reports") && !p.equals("/var/lib/kraftwerk/agent.lock")
                && !p.startsWith("/root/report.json")
                && !p.startsWith("/root/catalog.json") && !p.contains("/supervise")
                // the status page's heartbeat: written every 5 s by its service, not by the agent
                && !p.startsWith("/var/lib/kw-status/"));
    }
}
