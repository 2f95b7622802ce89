package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.SecretsKey;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.CatalogSource;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.report.RunStatus;
import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.HostBridge;
import io.kraftwerk.testkit.MasterProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The pull system end to end: a master on the host serving the example site from git, and web1,
 * db1 and lb1 as disposable nodes, each in its own network namespace, plugged by veth pairs into a
 * bridge on the host (10.0.0.0/24, the addresses the example site uses: lb1 proxies to web1 at
 * 10.0.0.11). They bootstrap with a token, pull and converge; a new commit, found by the master's
 * polling of the repository (given as a URL), reaches all three on their next run; a broken commit
 * leaves each on its last good catalog.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetIT {
    private static final String TOKEN = "fleet-token-77e0";
    private static final String MASTER_NAME = "kw-master.test";
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Map<String, String> ADDRESSES = new LinkedHashMap<>();

    static {
        ADDRESSES.put("web1.example.net", "10.0.0.11");
        ADDRESSES.put("db1.example.net", "10.0.0.12");
        ADDRESSES.put("lb1.example.net", "10.0.0.13");
    }

    private HostBridge bridge;
    private GitRepo manifests;
    private MasterProcess master;
    private final Map<String, DisposableNode> nodes = new LinkedHashMap<>();
    private final Map<String, String> firstMotd = new LinkedHashMap<>();

    @BeforeAll
    void startFleet() throws Exception {
        Repo.requireCachedPackages();
        Path work = Files.createDirectories(Repo.SCRATCH).resolve("fleet-it");
        Repo.deleteTree(work);
        bridge = HostBridge.create("10.0.0.1", 24);
        manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production");
        Files.writeString(Files.createDirectories(work).resolve("token"), TOKEN + "\n");
        // a URL, as for a remote repository: the master mirrors it and fetches on every poll
        master = MasterProcess.start(Repo.ROOT, work.resolve("data"), "file://" + manifests.dir(), List.of("--host",
                bridge.address(), "--name", MASTER_NAME, "--ip", bridge.address(), "--poll-interval", "1s",
                "--autosign-token-file", work.resolve("token").toString()), "");
        BridgedMaster.startNodes(bridge, MASTER_NAME, ADDRESSES, nodes);
        // the example site's apps, into the master's artifact store: web1 fetches them from there
        BridgedMaster.buildExampleApps(master, manifests.dir());
        standInForPgdg(work, nodes.get("db1.example.net"));
    }

    /**
     * The example db role adds PostgreSQL's repository (https://apt.postgresql.org), which nodes here
     * cannot reach: as a site would for a mirror, node data points db1 at a signed copy on the node
     * (empty, so PostgreSQL still comes from Debian) and the source is fetched and verified for real.
     */
    private void standInForPgdg(Path work, DisposableNode db1) throws Exception {
        SignedAptRepository apt = new SignedAptRepository(Files.createDirectories(work.resolve("pgdg")));
        String key = apt.newKey("pgdg-mirror");
        apt.emptySuite(work.resolve("pgdg/mirror"), "bookworm-pgdg", "main", "pgdg-mirror");
        GitRepo.copyTree(work.resolve("pgdg/mirror"), db1.path("/srv/pgdg-mirror"));
        manifests.write("data/nodes/db1.example.net.yaml", "apiVersion: kraftwerk/v1\nkind: Data\ndata:\n  db:\n    pgdg:\n"
                + "      uri: file:/srv/pgdg-mirror\n      key: |\n" + key.strip().indent(8));
        manifests.commitAll("db1 takes PGDG from its mirror");
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
    }

    @Test
    @Order(1)
    void eachNodeBootstrapsPullsAndConvergesToItsRole() throws Exception {
        Map<String, DisposableNode.Result> bootstraps = onEveryNode((name, node) -> node.exec(List.of(Repo.agent(), "bootstrap",
                "--server", "https://" + MASTER_NAME + ":" + master.port(), "--certname", name, "--token", TOKEN,
                "--wait", "30"), Duration.ofMinutes(2)));
        bootstraps.forEach((name, r) -> assertEquals(0, r.exitCode(), name + ": " + r.stdout() + r.stderr()));

        // the web and database nodes first; then the load balancer, whose upstreams are the web nodes that have run
        // (${fleet.web_backends}: no web node has reported yet, so lb1 would have no upstream and no catalog)
        Map<String, AgentRun> runs = onNodes(List.of("web1.example.net", "db1.example.net"), (name, node) -> AgentRun.pull(node));
        runs.putAll(onNodes(List.of("lb1.example.net"), (name, node) -> AgentRun.pull(node)));
        String commit = manifests.head();
        runs.forEach((name, run) -> {
            assertEquals(2, run.exitCode(), name + ":\n" + run.output());
            assertEquals(CatalogSource.FRESH, run.report().catalogSource(), name);
            assertEquals(commit, run.report().catalogVersion(), name);
            assertEquals(0, run.report().metrics().resources().get("failed"), name + ":\n" + run.output());
        });

        DisposableNode web1 = nodes.get("web1.example.net");
        assertEquals(200, Http.await(web1, "hello.example.net", "/", Http::served, SETTLE).status());
        try (Stream<Path> cached = Files.list(web1.path("/var/lib/kraftwerk/artifacts"))) {
            assertEquals(2, cached.count(), "web1 fetched both apps' wheels from the master");
        }
        DisposableNode db1 = nodes.get("db1.example.net");
        assertEquals(0, db1.exec(List.of("dpkg-query", "--show", "postgresql-client")).exitCode());
        assertEquals("postgres dbadmins 2770\n", db1.exec(List.of("stat", "-c", "%U %G %a", "/srv/pgdumps")).orThrow().stdout());
        assertTrue(Files.readString(db1.path("/etc/apt/sources.list.d/kraftwerk-pgdg.sources")).contains("Suites: bookworm-pgdg\n"));
        assertTrue(Files.exists(db1.path("/var/lib/apt/lists/_srv_pgdg-mirror_dists_bookworm-pgdg_InRelease")), "fetched and verified");
        // every node: deploy logs in with the on-call key only, and has its own key for git, made once
        for (DisposableNode node : nodes.values()) {
            assertTrue(Files.readString(node.path("/home/deploy/.ssh/authorized_keys")).startsWith(
                    "no-agent-forwarding,no-X11-forwarding ssh-ed25519 "));
            assertEquals("deploy ops 600\n", node.exec(List.of("stat", "-c", "%U %G %a", "/home/deploy/.ssh/id_ed25519")).orThrow().stdout());
        }
        assertTrue(Files.readString(web1.path("/etc/cron.d/kraftwerk-hello-prune-temp"))
                .endsWith("40 3 * * * hello /usr/bin/find /srv/hello/data/uploads -name '*.tmp' -mmin +60 -delete\n"));
        // lb1 proxies blog.example.net to web1 across the bridge
        DisposableNode lb1 = nodes.get("lb1.example.net");
        Http blog = Http.await(lb1, "blog.example.net", "/", Http::served, SETTLE);
        assertEquals("<h1>The example.net blog</h1>", blog.body());
        // and has its kernel tuned for many connections, now and for the next boot (net.* is lb1's own, in its namespace)
        assertEquals("1024\n", lb1.exec(List.of("cat", "/proc/sys/net/core/somaxconn")).orThrow().stdout());
        assertEquals("1024\t65000\n", lb1.exec(List.of("cat", "/proc/sys/net/ipv4/ip_local_port_range")).orThrow().stdout());
        assertTrue(Files.readString(lb1.path("/etc/sysctl.d/60-kraftwerk-net.core.somaxconn.conf"))
                .endsWith("net.core.somaxconn = 1024\n"));

        for (String name : nodes.keySet()) {
            assertEquals(1, storedReports(name).size(), name + "'s report reached the master");
            firstMotd.put(name, Files.readString(nodes.get(name).path("/etc/motd")));
        }
        Map<String, AgentRun> second = onEveryNode((name, node) -> AgentRun.pull(node));
        second.forEach((name, run) -> assertEquals(0, run.exitCode(), name + " converged in one run:\n" + run.output()));
        eachNodeHoldsOnlyTheSecretsItsCatalogUses();
        // the master made its own secrets key with its CA, root's alone, beside the example key it was given
        Path secrets = master.dataDir().resolve("secrets");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets)));
        String current = Files.readString(secrets.resolve("current")).strip();
        assertNotEquals("ab336546d2c0054f", current);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets.resolve(current + ".key"))));
    }

    /**
     * The example site's secrets are encrypted in git; the master decrypts each only into the
     * catalogs that use it. On a node a secret is in its target file and in the root-only cached
     * catalog, nowhere else the agent writes (state, reports, release records).
     */
    private void eachNodeHoldsOnlyTheSecretsItsCatalogUses() throws Exception {
        Map<String, List<String>> uses = Map.of("web1.example.net", List.of(PAGER_TOKEN, WEB1_SECRET_KEY),
                "db1.example.net", List.of(PAGER_TOKEN), "lb1.example.net", List.of(PAGER_TOKEN, TLS_KEY_LINE));
        for (Map.Entry<String, DisposableNode> n : nodes.entrySet()) {
            DisposableNode node = n.getValue();
            Path catalog = node.path("/var/lib/kraftwerk/catalog.json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(catalog)), n.getKey());
            String cached = Files.readString(catalog);
            for (String secret : List.of(PAGER_TOKEN, WEB1_SECRET_KEY, TLS_KEY_LINE)) {
                assertEquals(uses.get(n.getKey()).contains(secret), cached.contains(secret),
                        n.getKey() + "'s catalog and the secret " + secret.substring(0, 12) + "...: only what its catalog uses");
            }
            try (Stream<Path> files = Files.walk(node.path("/var/lib/kraftwerk"))) {
                for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.equals(catalog)).toList()) {
                    String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                    SECRETS.forEach(secret -> assertFalse(text.contains(secret), f + " holds a secret"));
                }
            }
        }
        assertTrue(Files.readString(nodes.get("lb1.example.net").path("/etc/ssl/kraftwerk/hello.example.net.key")).contains(TLS_KEY_LINE));
        assertEquals(PAGER_TOKEN + "\n", Files.readString(nodes.get("db1.example.net").path(PAGER_TOKEN_FILE)));
    }

    @Test
    @Order(2)
    void aNewCommitReachesEveryNodeOnItsNextRun() throws Exception {
        manifests.write("templates/motd.txt", manifests.read("templates/motd.txt") + "Maintenance: Sundays 04:00 UTC\n");
        String running = manifests.head();
        String commit = manifests.commitAll("motd: maintenance window");
        awaitPolled(commit);

        // before any agent takes it, the master says what the commit changes on each node (their facts, the fleet now)
        JsonNode diff = ModelJson.mapper().readTree(admin("GET", "/v1/environments/production/diff"));
        assertEquals(running, diff.get("from").asText(), "compared with the commit the nodes run");
        assertEquals(commit, diff.get("to").asText());
        assertEquals(3, diff.get("summary").get("changed").asInt(), diff.toPrettyString());
        Map<String, List<String>> announced = new TreeMap<>();
        diff.get("nodes").forEach(n -> {
            List<String> ids = new ArrayList<>();
            n.path("added").forEach(id -> ids.add(id.asText()));
            n.path("removed").forEach(id -> ids.add(id.asText()));
            n.path("changed").forEach(c -> ids.add(c.get("id").asText()));
            announced.put(n.get("node").asText(), ids);
        });

        try (Browser browser = Browser.start("MAP " + MASTER_NAME + " " + bridge.address())) {
            String dashboard = "https://" + MASTER_NAME + ":" + master.port() + "/dashboard/";
            browser.signIn(dashboard, master.adminToken());
            browser.open(dashboard + "environments/production");
            assertTrue(browser.find("#change-summary").getText().startsWith("This commit changes 3 resources on 3 nodes of 3."),
                    browser.find("#change-summary").getText());
            assertEquals(List.of("db1.example.net", "lb1.example.net", "web1.example.net"), browser.texts("#change tbody td:first-child"));
            assertTrue(browser.texts("#change tbody td.errors").stream().allMatch(t -> t.equals("~ file[/etc/motd]: content")),
                    browser.texts("#change tbody td.errors").toString());
            browser.screenshot("environment-change");
        }

        Map<String, AgentRun> runs = onEveryNode((name, node) -> AgentRun.pull(node));
        Map<String, List<String>> changed = new TreeMap<>();
        runs.forEach((name, run) -> {
            assertEquals(2, run.exitCode(), name + ":\n" + run.output());
            assertEquals(commit, run.report().catalogVersion(), name);
            changed.put(name, run.report().resources().stream().filter(r -> r.status() == ResourceStatus.CHANGED)
                    .map(ResourceReport::id).toList());
        });
        assertEquals(Map.of("db1.example.net", List.of("file[/etc/motd]"), "lb1.example.net", List.of("file[/etc/motd]"),
                "web1.example.net", List.of("file[/etc/motd]")), changed);
        assertEquals(announced, changed, "the diff shown before the runs is what the runs changed");
        assertTrue(admin("GET", "/v1/environments/production/diff?format=text").endsWith(
                "3 nodes: 0 changed (0 resources), 3 unchanged, 0 not compiling"), "the nodes run the branch's head now");
        for (String name : nodes.keySet()) {
            String motd = Files.readString(nodes.get(name).path("/etc/motd"));
            assertEquals(firstMotd.get(name) + "Maintenance: Sundays 04:00 UTC\n", motd, name);
        }
    }

    @Test
    @Order(3)
    void driftInjectedOnANodeShowsOnTheDashboardAfterItsNextRun() throws Exception {
        DisposableNode web1 = nodes.get("web1.example.net");
        web1.exec(List.of("chmod", "0777", "/srv/hello/data/uploads")).orThrow();
        // and a secret overwritten: the repair is reported, the values never are
        Files.writeString(web1.path(PAGER_TOKEN_FILE), TAMPERED_SECRET + "\n");
        AgentRun run = AgentRun.pull(web1);
        assertEquals(2, run.exitCode(), run.output());
        assertTrue(run.report().correctiveChange(), run.output());
        assertEquals(PAGER_TOKEN + "\n", Files.readString(web1.path(PAGER_TOKEN_FILE)), "the secret was repaired");
        assertNoSecretIn("web1's run output", run.output());

        try (Browser browser = Browser.start("MAP " + MASTER_NAME + " " + bridge.address())) {
            String dashboard = "https://" + MASTER_NAME + ":" + master.port() + "/dashboard/";
            browser.signIn(dashboard, master.adminToken());
            // every node audits openssh-server, which disposable nodes lack: all three show drift, web1 repaired some too
            assertEquals("3", browser.find("#count-drifted .count").getText());
            browser.find("#filter-role").sendKeys("web");
            browser.clickAndWait("#filter-apply");
            assertEquals(List.of("web1.example.net"), browser.texts("#nodes tbody td.certname"), "roles come from catalog requests");
            browser.screenshot("fleet-role-web");
            browser.clickAndWait(org.openqa.selenium.By.linkText("web1.example.net"));
            assertEquals("drifted", browser.find("#status").getText());
            List<String> resources = browser.texts("#events tbody td.resource");
            int row = resources.indexOf("data_dir[/srv/hello/data/uploads]");
            assertTrue(row >= 0, resources.toString());
            assertEquals("mode", browser.texts("#events tbody td.property").get(row));
            assertEquals("0777", browser.texts("#events tbody td.previous").get(row));
            assertEquals("0750", browser.texts("#events tbody td.desired").get(row));
            assertEquals("drift repaired", browser.texts("#events tbody td.corrective").get(row));
            assertTrue(browser.texts("#facts th").contains("hostname"), "the node's facts are shown");
            int secret = resources.indexOf("file[" + PAGER_TOKEN_FILE + "]");
            assertTrue(secret >= 0, resources.toString());
            assertEquals("[sensitive]", browser.texts("#events tbody td.previous").get(secret));
            assertEquals("[sensitive]", browser.texts("#events tbody td.desired").get(secret));
            assertEquals("drift repaired", browser.texts("#events tbody td.corrective").get(secret));
            assertNoSecretIn("web1's page", browser.driver().getPageSource());
            browser.screenshot("fleet-web1-drift");
            browser.clickAndWait("#reports tbody tr a");
            assertTrue(browser.driver().getCurrentUrl().contains("/dashboard/reports/"), browser.driver().getCurrentUrl());
            assertNoSecretIn("web1's report page", browser.driver().getPageSource());
        }
        // Nothing the master keeps or answers holds a secret: reports as stored, node pages, its log.
        for (String name : nodes.keySet()) {
            assertNoSecretIn(name + "'s node", admin("GET", "/v1/fleet/nodes/" + name));
            for (JsonNode report : storedReports(name)) {
                assertNoSecretIn(name + "'s report " + report.get("id"), admin("GET", "/v1/fleet/reports/" + report.get("id").asLong()));
            }
        }
        assertNoSecretIn("the master's log", master.log());
        try (Stream<Path> files = Files.walk(master.dataDir())) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.startsWith(master.dataDir().resolve("secrets"))).toList()) {
                String bytes = Files.readString(f, StandardCharsets.ISO_8859_1);
                SECRETS.forEach(secret -> assertFalse(bytes.contains(secret), f + " (the master's database, logs, stores) holds a secret"));
            }
        }
    }

    /**
     * The example site's secrets, encrypted in git (data/common.yaml, data/nodes/web1..., data/roles/lb.yaml),
     * as they decrypt, and the one this test planted.
     */
    private static final String PAGER_TOKEN_FILE = "/etc/kraftwerk-site/pager.token";
    private static final String PAGER_TOKEN = "example-pager-token-0000";
    private static final String WEB1_SECRET_KEY = "example-secret-key-web1";
    private static final String TLS_KEY_LINE = "MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQC3CdSdQ6S2S9bg";
    private static final String TAMPERED_SECRET = "tampered-pager-token-4242";
    private static final List<String> SECRETS = List.of(PAGER_TOKEN, TAMPERED_SECRET, WEB1_SECRET_KEY, TLS_KEY_LINE);

    private static void assertNoSecretIn(String what, String text) {
        for (String secret : SECRETS) {
            assertFalse(text.contains(secret), what + " shows the secret " + secret.substring(0, 12) + "...");
        }
        assertTrue(text.length() > 0, what + " is empty: nothing was checked");
    }

    @Test
    @Order(4)
    void aBrokenCommitLeavesEveryNodeOnItsLastGoodCatalog() throws Exception {
        String good = manifests.head();
        String base = manifests.read("roles/base.yaml");
        String broken = base.replaceFirst("(/etc/motd:\n(?:.*\n){3}      )mode:", "$1mod:");
        assertNotEquals(base, broken);
        manifests.write("roles/base.yaml", broken);
        manifests.write("templates/motd.txt", "this text must never reach a node\n");
        manifests.commitAll("a typo, and a motd that must not be served");
        assertEquals(200, refresh());
        int line = List.of(broken.split("\n", -1)).indexOf("      mod: \"0644\"") + 1;
        Map<String, String> motdBefore = new LinkedHashMap<>();
        for (String name : nodes.keySet()) {
            motdBefore.put(name, Files.readString(nodes.get(name).path("/etc/motd")));
        }

        Map<String, AgentRun> runs = onEveryNode((name, node) -> AgentRun.pull(node));
        runs.forEach((name, run) -> {
            assertEquals(0, run.exitCode(), name + ":\n" + run.output());
            assertEquals(RunStatus.UNCHANGED, run.report().status(), name);
            assertEquals(CatalogSource.CACHED, run.report().catalogSource(), name);
            assertEquals(good, run.report().catalogVersion(), name);
            assertTrue(run.report().catalogSourceNote().startsWith("the master answered 422: the manifests at "), name);
            assertTrue(run.output().contains("roles/base.yaml:" + line + ":7: unknown attribute 'mod' for file[/etc/motd]"),
                    name + ":\n" + run.output());
        });
        try (Browser browser = Browser.start("MAP " + MASTER_NAME + " " + bridge.address())) {
            browser.signIn("https://" + MASTER_NAME + ":" + master.port() + "/dashboard/", master.adminToken());
            browser.open("https://" + MASTER_NAME + ":" + master.port() + "/dashboard/environments/production");
            String errors = String.join("\n", browser.texts("#compile-errors td.errors"));
            assertTrue(errors.contains("roles/base.yaml:" + line + ":7: unknown attribute 'mod' for file[/etc/motd]"), errors);
            browser.screenshot("fleet-compile-errors");
        }
        for (String name : nodes.keySet()) {
            assertEquals(motdBefore.get(name), Files.readString(nodes.get(name).path("/etc/motd")), name);
            assertEquals(name.startsWith("web1") ? 5 : 4, storedReports(name).size(), name + ": every run's report reached the master");
        }
    }

    @Test
    @Order(5)
    void aValueTheMasterCannotDecryptIsACompileErrorAtItsPlaceAndNodesKeepTheirCatalog() throws Exception {
        manifests.write("roles/base.yaml", manifests.read("roles/base.yaml").replace("      mod: \"0644\"", "      mode: \"0644\""));
        String good = manifests.commitAll("the typo fixed");
        assertEquals(200, refresh());
        onEveryNode((name, node) -> AgentRun.pull(node)).forEach((name, run) -> assertEquals(good, run.report().catalogVersion(), name));

        SecretsKey stranger = SecretsKey.generate(new SecureRandom());
        String common = manifests.read("data/common.yaml");
        manifests.write("data/common.yaml", common.replaceFirst("pager_token: ENC\\[[^]]+]",
                "pager_token: " + Envelope.encrypt("a-token-for-another-master", stranger, new SecureRandom())));
        manifests.commitAll("a pager token encrypted to another master's key");
        assertEquals(200, refresh());
        Map<String, AgentRun> runs = onEveryNode((name, node) -> AgentRun.pull(node));
        runs.forEach((name, run) -> {
            assertEquals(0, run.exitCode(), name + ":\n" + run.output());
            assertEquals(CatalogSource.CACHED, run.report().catalogSource(), name);
            assertEquals(good, run.report().catalogVersion(), name);
            assertTrue(run.output().contains("data/common.yaml:14:18: cannot decrypt: the value is encrypted to key " + stranger.id()
                    + ", which this master does not have"), name + ":\n" + run.output());
            assertFalse(run.output().contains("a-token-for-another-master"));
        });
        assertEquals(PAGER_TOKEN + "\n", Files.readString(nodes.get("db1.example.net").path(PAGER_TOKEN_FILE)), "the last good value stays");
    }

    // --- helpers

    /** The same step on all three nodes at once, as a fleet does it. */
    private <T> Map<String, T> onEveryNode(BridgedMaster.OnNode<T> step) throws Exception {
        return onNodes(List.copyOf(nodes.keySet()), step);
    }

    private <T> Map<String, T> onNodes(List<String> names, BridgedMaster.OnNode<T> step) throws Exception {
        return fleet().on(names, step);
    }

    private BridgedMaster fleet() {
        return new BridgedMaster(master, bridge, MASTER_NAME, nodes);
    }

    private int refresh() throws Exception {
        return Integer.parseInt(admin("POST", "/v1/environments/refresh", "--output", "/dev/null", "--write-out", "%{http_code}"));
    }

    private void awaitPolled(String commit) throws Exception {
        fleet().awaitPolled(commit);
    }

    private String admin(String method, String path, String... curlOptions) throws Exception {
        return fleet().admin(method, path, curlOptions);
    }

    /** The reports the master stored for a node, newest first, as its fleet API lists them. */
    private List<JsonNode> storedReports(String name) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        ModelJson.mapper().readTree(admin("GET", "/v1/fleet/nodes/" + name + "/reports")).get("reports").forEach(out::add);
        return out;
    }
}
