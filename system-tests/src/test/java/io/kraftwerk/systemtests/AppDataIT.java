package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.HostBridge;
import io.kraftwerk.testkit.MasterProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Live to stage, in network namespaces around a real master: the example's hello app runs on app1
 * (production) with its PostgreSQL database and its uploads; app1 pushes a dump; stage1 (staging,
 * whose hello declares restore_from app1) starts from it on its first deployment and pulls a newer
 * one later, each time with identical rows and files; a dump changed on stage1's disk is refused
 * before anything changes; web1, which site.yaml does not grant app1's dumps, gets 403.
 */
class AppDataIT {
    private static final String MASTER_NAME = "kw-master.example.net";
    private static final String TOKEN = "app-data-it-token";
    private static final Duration SETTLE = Duration.ofSeconds(60);
    /** What the test counts rows and files of: the same question on both nodes. */
    private static final String ROWS = "SELECT id, title, md5(body) FROM notes ORDER BY id";
    /** Every file's digest and every entry's name, but the heartbeat hello's worker rewrites every few seconds on each node. */
    private static final String FILES = "cd /srv/hello/data/uploads && find . -type f -not -name .worker-heartbeat -exec sha256sum {} +"
            + " | sort && find . -not -name .worker-heartbeat | sort";

    @Test
    void liveDataReachesStageIdenticalAndOnlyWhereTheManifestsSay() throws Exception {
        Repo.requireCachedPackages();
        Path work = Files.createDirectories(Repo.SCRATCH).resolve("app-data-it");
        Repo.deleteTree(work);
        Map<String, String> addresses = new LinkedHashMap<>();
        addresses.put("app1.example.net", "10.0.0.31");
        addresses.put("stage1.example.net", "10.0.0.41");
        addresses.put("web1.example.net", "10.0.0.11");
        Map<String, DisposableNode> nodes = new LinkedHashMap<>();
        try (HostBridge bridge = HostBridge.create("10.0.0.1", 24)) {
            GitRepo manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production");
            manifests.git("branch", "staging");
            Files.writeString(work.resolve("token"), TOKEN + "\n");
            try (MasterProcess master = MasterProcess.start(Repo.ROOT, work.resolve("data"), "file://" + manifests.dir(), List.of("--host",
                    bridge.address(), "--name", MASTER_NAME, "--ip", bridge.address(), "--poll-interval", "1s",
                    "--autosign-token-file", work.resolve("token").toString()), "")) {
                try {
                    BridgedMaster.startNodes(bridge, MASTER_NAME, addresses, nodes);
                    BridgedMaster.buildExampleApps(master, manifests.dir());
                    BridgedMaster fleet = new BridgedMaster(master, bridge, MASTER_NAME, nodes);
                    fleet.on(List.copyOf(nodes.keySet()), (name, node) -> node.exec(List.of(Repo.agent(), "bootstrap", "--server",
                            "https://" + MASTER_NAME + ":" + master.port(), "--certname", name, "--token", TOKEN, "--wait", "30"),
                            Duration.ofMinutes(2)).orThrow());
                    liveToStage(fleet, nodes.get("app1.example.net"), nodes.get("stage1.example.net"), nodes.get("web1.example.net"), master);
                } finally {
                    for (DisposableNode node : nodes.values()) {
                        node.close();
                    }
                }
            }
        }
    }

    private void liveToStage(BridgedMaster fleet, DisposableNode app1, DisposableNode stage1, DisposableNode web1, MasterProcess master)
            throws Exception {
        // what each node's init would have done: PostgreSQL runs (the package is installed; no systemd in a disposable node)
        fleet.on(List.of("app1.example.net", "stage1.example.net"), (name, node) -> node.exec(List.of("pg_ctlcluster", "15", "main",
                "start")).orThrow());

        AgentRun live = AgentRun.pull(app1);
        assertEquals(2, live.exitCode(), live.output());
        assertEquals(0, live.report().metrics().resources().get("failed"), live.output());
        assertEquals(200, Http.await(app1, "hello.example.net", "/", Http::served, SETTLE).status());
        // the app's data: rows as the app's own role (peer: the system user hello), and uploads as the app writes them
        psql(app1, "CREATE TABLE notes (id serial PRIMARY KEY, title text NOT NULL, body text NOT NULL);"
                + " INSERT INTO notes (title, body) SELECT 'note ' || i, repeat(md5(i::text), 20) FROM generate_series(1, 5000) i;");
        uploads(app1, "first");
        String liveRows = psql(app1, ROWS);
        String liveFiles = sh(app1, FILES);
        assertEquals(5000, liveRows.lines().count());

        DisposableNode.Result pushed = app1.exec(List.of(Repo.agent(), "data", "push", "hello"), Duration.ofMinutes(5));
        assertEquals(0, pushed.exitCode(), pushed.stdout() + pushed.stderr());
        assertTrue(pushed.stdout().startsWith("Pushed the dump of hello (app stopped): data dir uploads ("), pushed.stdout());
        assertEquals(200, Http.await(app1, "hello.example.net", "/", Http::served, SETTLE).status(), "the app serves again after the dump");

        // stage1's first deployment of hello restores app1's dump before its first release serves
        AgentRun stage = AgentRun.pull(stage1);
        assertEquals(2, stage.exitCode(), stage.output());
        assertEquals(0, stage.report().metrics().resources().get("failed"), stage.output());
        assertTrue(stage.report().logs().stream().anyMatch(l -> l.source().equals("wsgi_release[hello]")
                && l.message().startsWith("first deployment: restored app1.example.net's dump ")), stage.report().logs().toString());
        assertEquals(liveRows, psql(stage1, ROWS), "the same rows");
        assertEquals(liveFiles, sh(stage1, FILES), "the same files");
        assertEquals("hello hello 750\n", stage1.exec(List.of("stat", "-c", "%U %G %a", "/srv/hello/data/uploads")).orThrow().stdout());
        assertEquals(200, Http.await(stage1, "hello.example.net", "/", Http::served, SETTLE).status());
        AgentRun again = AgentRun.pull(stage1);
        assertEquals(0, again.exitCode(), "stage1 in sync after its restore: " + again.output());

        // later: more data on app1, pushed; kw-agent data pull brings stage1 to it
        psql(app1, "INSERT INTO notes (title, body) VALUES ('after the first dump', 'x'); DELETE FROM notes WHERE id % 7 = 0;");
        uploads(app1, "second");
        String newerRows = psql(app1, ROWS);
        String newerFiles = sh(app1, FILES);
        assertEquals(0, app1.exec(List.of(Repo.agent(), "data", "push", "hello"), Duration.ofMinutes(5)).exitCode());
        DisposableNode.Result pulled = stage1.exec(List.of(Repo.agent(), "data", "pull", "hello", "--keep", "/root/hello.kwdump"),
                Duration.ofMinutes(5));
        assertEquals(0, pulled.exitCode(), pulled.stdout() + pulled.stderr());
        assertEquals(newerRows, psql(stage1, ROWS));
        assertEquals(newerFiles, sh(stage1, FILES));
        assertNotEquals(liveRows, newerRows);

        assertEquals("root root 600\n", stage1.exec(List.of("stat", "-c", "%U %G %a", "/root/hello.kwdump")).orThrow().stdout(),
                "a kept copy is as private as the data");

        // a dump changed after it was made is refused before anything changes
        byte[] dump = Files.readAllBytes(stage1.path("/root/hello.kwdump"));
        byte[] marker = "second upload".getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(dump, marker);
        assertTrue(at > 0, "the dump holds the uploads");
        dump[at] = 'S';
        Files.write(stage1.path("/root/tampered.kwdump"), dump);
        psql(stage1, "INSERT INTO notes (title, body) VALUES ('only on stage', 'y');");
        String stageRows = psql(stage1, ROWS);
        String stageFiles = sh(stage1, FILES);
        DisposableNode.Result tampered = stage1.exec(List.of(Repo.agent(), "data", "load", "hello", "/root/tampered.kwdump"));
        assertEquals(4, tampered.exitCode(), tampered.stdout() + tampered.stderr());
        assertTrue(tampered.stderr().contains("data_dir/uploads.tar has SHA-256 ") && tampered.stderr().contains("nothing was changed"),
                tampered.stderr());
        assertEquals(stageRows, psql(stage1, ROWS), "no row changed");
        assertEquals(stageFiles, sh(stage1, FILES), "no file changed");
        String databases = stage1.exec(List.of("runuser", "-u", "postgres", "--", "psql", "-XAtc", "SELECT datname FROM pg_database"))
                .orThrow().stdout();
        assertFalse(databases.contains("kw_load_") || databases.contains("kw_old_"), databases);

        // web1 is not granted app1's dumps: 403, and nobody learns whether one exists
        DisposableNode.Result refused = web1.exec(List.of("curl", "--silent", "--output", "/dev/null", "--write-out", "%{http_code}",
                "--cacert", "/var/lib/kraftwerk/ssl/ca.pem", "--cert", "/var/lib/kraftwerk/ssl/cert.pem", "--key",
                "/var/lib/kraftwerk/ssl/private_key.pem", "https://" + MASTER_NAME + ":" + master.port() + "/v1/dumps/app1.example.net/hello/latest"));
        assertEquals("403", refused.stdout().strip());
        // the dashboard's node page lists app1's dumps by their metadata
        String page = fleet.admin("GET", "/dashboard/nodes/app1.example.net");
        assertTrue(page.contains("id=\"dumps\"") && page.contains("data dir uploads"), page);
        assertFalse(page.contains("second upload"), "never a byte of the data");
    }

    /** Files of both kinds the app keeps, written as the app writes them (its user), in a subfolder too. */
    private static void uploads(DisposableNode node, String round) throws Exception {
        sh(node, "cd /srv/hello/data/uploads && runuser -u hello -- mkdir -p photos/" + round + " && runuser -u hello -- sh -c '"
                + "printf \"" + round + " upload\\n\" > notes-" + round + ".txt && head -c 3000000 /dev/urandom > photos/" + round
                + "/big.bin && ln -sf notes-" + round + ".txt latest.txt'");
    }

    private static String psql(DisposableNode node, String sql) throws Exception {
        return node.exec(List.of("runuser", "-u", "hello", "--", "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", "hello",
                "-c", sql)).orThrow().stdout();
    }

    private static String sh(DisposableNode node, String script) throws Exception {
        return node.exec(List.of("sh", "-c", script)).orThrow().stdout();
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= bytes.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (bytes[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
