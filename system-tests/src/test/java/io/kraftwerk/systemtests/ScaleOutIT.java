package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.agent.client.Bootstrapper;
import io.kraftwerk.master.ca.CaLedger;
import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.master.ca.Pem;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import io.kraftwerk.testkit.PostgresServer;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two masters as docs/scaling.md sets them up: one PostgreSQL and nothing else shared — the CA's
 * requests, certificates, inventory and CRL are in the database, its key copied to each master —
 * and the same manifests. A node is served by either — whichever the load balancer picks — and its
 * reports from both land in one history; nodes bootstrap, renew and are revoked through both at
 * once, and no serial is issued twice nor a revocation lost; a revocation made on one master is
 * refused by the other within a second.
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
            List<String> database = List.of("--database", postgres.jdbcUrl(), "--database-user", PostgresServer.USER,
                    "--database-password-file", password.toString());
            List<String> options = new ArrayList<>(List.of("--host", "127.0.0.1", "--name", "localhost", "--name",
                    "kw-master.example.net", "--ip", "127.0.0.1", "--autosign-glob", "*.lab.example.net"));
            options.addAll(database);
            // each master has its own data directory: both stores hold the example's apps
            Repo.stockStore(work.resolve("a"));
            Repo.stockStore(work.resolve("b"));
            try (MasterProcess first = MasterProcess.start(Repo.ROOT, work.resolve("a"), manifests.dir().toString(), options, "")) {
                // the second master gets the CA's key and certificate, nothing else, as docs/scaling.md says
                Files.createDirectories(work.resolve("b/ca"));
                for (String file : List.of("ca_key.pem", "ca_crt.pem")) {
                    Files.copy(first.caDir().resolve(file), work.resolve("b/ca").resolve(file));
                }
                try (MasterProcess second = MasterProcess.start(Repo.ROOT, work.resolve("b"), manifests.dir().toString(), options, "")) {
                    assertNotEquals(first.adminToken(), second.adminToken(), "each master keeps its own admin token");
                    for (MasterProcess master : List.of(first, second)) {
                        assertTrue(Files.exists(master.caDir().resolve("state-in-database")));
                        assertFalse(Files.exists(master.caDir().resolve("signed")), "no CA state in " + master.caDir());
                        assertFalse(Files.exists(master.caDir().resolve("inventory.tsv")));
                    }
                    // a master set up without the fleet's key is refused before it makes one, and one with another CA's key
                    IOException noKey = assertThrows(IOException.class, () -> MasterProcess.start(Repo.ROOT, work.resolve("c"),
                            manifests.dir().toString(), options, "").close());
                    assertTrue(noKey.getMessage().contains("kw-master serve: the database " + postgres.jdbcUrl()
                            + " already holds the fleet's CA"), noKey.getMessage());
                    assertFalse(Files.exists(work.resolve("c/ca/ca_key.pem")), "no key of its own was made");
                    CertificateAuthority.openOrCreate(work.resolve("d/ca"), "another fleet", Clock.systemUTC(),
                            CertificateAuthority.Profile.standard());
                    IOException otherKey = assertThrows(IOException.class, () -> MasterProcess.start(Repo.ROOT, work.resolve("d"),
                            manifests.dir().toString(), options, "").close());
                    assertTrue(otherKey.getMessage().contains("kw-master serve: " + work.resolve("d/ca/ca_crt.pem")
                            + " (certificate SHA256:"), otherKey.getMessage());
                    assertTrue(otherKey.getMessage().contains("this master would sign for another fleet"), otherKey.getMessage());

                    PGSimpleDataSource pg = new PGSimpleDataSource();
                    pg.setURL(postgres.jdbcUrl());
                    pg.setUser(PostgresServer.USER);
                    pg.setPassword(postgres.password());
                    CertificateAuthority shared = CertificateAuthority.openOrCreate(first.caDir(), "unused", Clock.systemUTC(),
                            CertificateAuthority.Profile.standard(), CaLedger.existingDatabase(pg::getConnection, postgres.jdbcUrl()));
                    NodeIdentity web1 = NodeIdentity.issue(shared, NODE, Map.of());
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
                    NodeIdentity web2 = NodeIdentity.issue(shared, "web2.example.net", Map.of());
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

                    Map.Entry<Integer, String> withoutDatabase = first.cli(Repo.ROOT, "ca", "revoke", NODE);
                    assertEquals(1, withoutDatabase.getKey(), withoutDatabase.getValue());
                    assertTrue(withoutDatabase.getValue().contains("kept in a database, not in " + first.caDir()),
                            withoutDatabase.getValue());
                    Map.Entry<Integer, String> revoked = first.cli(Repo.ROOT, cli("revoke", NODE, database));
                    assertEquals(0, revoked.getKey(), revoked.getValue());
                    assertEquals(403, refusedWithin(b, web1, "/v1/catalogs/" + NODE, facts, "application/json", 200).status(),
                            "revoked on one master, refused by the other");

                    signingRevokingAndRenewingOnBothMastersAtOnce(first, second, a, b, database);
                }
            }
        }
    }

    private static String[] cli(String command, String certname, List<String> database) {
        List<String> argv = new ArrayList<>(List.of("ca", command, certname));
        argv.addAll(database);
        return argv.toArray(String[]::new);
    }

    /**
     * The answer once the master refuses the node's certificate (403): a revocation made on another master reaches this one
     * within a second, and meanwhile only {@code meanwhile} may be answered (a catalog: 200; a renewal: 409, the CA's own
     * refusal, never a new certificate).
     */
    private static FleetApi.Answer refusedWithin(FleetApi master, NodeIdentity node, String path, byte[] body, String type,
                                                 int meanwhile) throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        FleetApi.Answer answer;
        while (true) {
            answer = master.asNode(node, "POST", path, body, Map.of("Content-Type", type));
            if (answer.status() == 403 || Instant.now().isAfter(deadline)) {
                return answer;
            }
            assertEquals(meanwhile, answer.status(), path + ": " + answer.body());
        }
    }

    /**
     * Nodes bootstrap through both masters at once (two keys race for one name), then some are revoked on one master
     * while they renew through the other, and the rest renew through either. No serial is handed out twice; every
     * certificate a revoked node holds, including one a racing renewal gave it, is refused by both masters and listed
     * in both CRLs; every other node's new certificate is its current one on both.
     */
    private static void signingRevokingAndRenewingOnBothMastersAtOnce(MasterProcess first, MasterProcess second, FleetApi a,
                                                                      FleetApi b, List<String> database) throws Exception {
        List<FleetApi> masters = List.of(a, b);
        int nodes = 12;
        int revoked = 4;
        X509Certificate ca = NodeIdentity.readCertificate(first.caCertificate());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<NodeIdentity>> bootstraps = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                String name = "n" + i + ".lab.example.net";
                FleetApi to = masters.get(i % 2);
                FleetApi from = masters.get((i + 1) % 2);
                bootstraps.add(pool.submit(() -> {
                    start.await();
                    KeyPair keys = newKeys();
                    FleetApi.Answer sent = to.anonymous("PUT", "/v1/ca/requests/" + name,
                            Bootstrapper.csr(name, null, keys).getBytes(StandardCharsets.US_ASCII), "text/plain");
                    assertTrue(sent.status() < 300, name + ": " + sent.status() + " " + sent.body());
                    FleetApi.Answer cert = from.anonymous("GET", "/v1/ca/certificates/" + name, null, "text/plain");
                    assertEquals(200, cert.status(), name + " signed by one master, handed out by the other: " + cert.body());
                    return new NodeIdentity(name, keys.getPrivate(), Pem.certificate(cert.body()), ca);
                }));
            }
            List<Future<Integer>> contested = new ArrayList<>();
            for (FleetApi master : masters) {
                contested.add(pool.submit(() -> {
                    start.await();
                    return master.anonymous("PUT", "/v1/ca/requests/contested.lab.example.net",
                            Bootstrapper.csr("contested.lab.example.net", null, newKeys()).getBytes(StandardCharsets.US_ASCII),
                            "text/plain").status();
                }));
            }
            start.countDown();
            List<NodeIdentity> identities = new ArrayList<>();
            for (Future<NodeIdentity> f : bootstraps) {
                identities.add(f.get(120, TimeUnit.SECONDS));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : contested) {
                statuses.add(f.get(120, TimeUnit.SECONDS));
            }
            statuses.sort(null);
            assertEquals(409, statuses.get(1), "one key gets the contested name, the other is refused: " + statuses);
            assertTrue(statuses.get(0) < 300, "one key gets the contested name: " + statuses);

            // at once: the first nodes are revoked (the CLI, on either master) while they renew through the other; the rest renew
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> revocations = new ArrayList<>();
            Map<String, Future<NodeIdentity>> renewals = new HashMap<>();
            for (int i = 0; i < nodes; i++) {
                NodeIdentity node = identities.get(i);
                MasterProcess revoker = i % 2 == 0 ? first : second;
                FleetApi renewer = masters.get((i + 1) % 2);
                if (i < revoked) {
                    revocations.add(pool.submit(() -> {
                        go.await();
                        Map.Entry<Integer, String> done = revoker.cli(Repo.ROOT, cli("revoke", node.certname(), database));
                        assertEquals(0, done.getKey(), done.getValue());
                        // at once on the other master, whose cache of revoked serials may be up to a second old: the CA
                        // itself, deciding under its lock, refuses to renew a revoked certificate
                        FleetApi.Answer late = renewer.asNode(node, "POST", "/v1/ca/renewals/" + node.certname(),
                                Bootstrapper.csr(node.certname(), null, newKeys()).getBytes(StandardCharsets.US_ASCII),
                                Map.of("Content-Type", "application/x-pem-file"));
                        assertTrue(late.status() == 403 || late.status() == 409, node.certname() + " renewed after its"
                                + " revocation: " + late.status() + " " + late.body());
                        return null;
                    }));
                }
                renewals.put(node.certname(), pool.submit(() -> {
                    go.await();
                    KeyPair keys = newKeys();
                    FleetApi.Answer renewed = renewer.asNode(node, "POST", "/v1/ca/renewals/" + node.certname(),
                            Bootstrapper.csr(node.certname(), null, keys).getBytes(StandardCharsets.US_ASCII),
                            Map.of("Content-Type", "application/x-pem-file"));
                    if (renewed.status() == 200) {
                        return new NodeIdentity(node.certname(), keys.getPrivate(), Pem.certificate(renewed.body()), ca);
                    }
                    assertTrue(renewed.status() == 403 || renewed.status() == 409, node.certname() + ": " + renewed.status()
                            + " " + renewed.body());
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : revocations) {
                f.get(180, TimeUnit.SECONDS);
            }
            Set<BigInteger> serials = new HashSet<>();
            List<NodeIdentity> handedOut = new ArrayList<>(identities);
            for (int i = 0; i < nodes; i++) {
                NodeIdentity renewed = renewals.get(identities.get(i).certname()).get(180, TimeUnit.SECONDS);
                if (renewed != null) {
                    handedOut.add(renewed);
                } else {
                    assertTrue(i < revoked, identities.get(i).certname() + " was not revoked, and its renewal was refused");
                }
            }
            handedOut.forEach(n -> serials.add(n.certificate().getSerialNumber()));
            assertEquals(handedOut.size(), serials.size(), "no serial handed out twice");

            List<X509CRL> crls = new ArrayList<>();
            for (FleetApi master : masters) {
                FleetApi.Answer crl = master.anonymous("GET", "/v1/ca/crl", null, "text/plain");
                assertEquals(200, crl.status());
                crls.add(Pem.crl(crl.body()));
            }
            for (NodeIdentity node : handedOut) {
                boolean wasRevoked = Integer.parseInt(node.certname().substring(1, node.certname().indexOf('.'))) < revoked;
                for (int m = 0; m < masters.size(); m++) {
                    FleetApi master = masters.get(m);
                    byte[] csr = Bootstrapper.csr(node.certname(), null, newKeys()).getBytes(StandardCharsets.US_ASCII);
                    if (wasRevoked) {
                        FleetApi.Answer refused = refusedWithin(master, node, "/v1/ca/renewals/" + node.certname(), csr,
                                "application/x-pem-file", 409);
                        assertEquals(403, refused.status(), node.certname() + " serial " + node.certificate().getSerialNumber()
                                .toString(16) + " on master " + m + ": " + refused.body());
                        assertTrue(crls.get(m).isRevoked(node.certificate()), node.certname() + " in master " + m + "'s CRL");
                    } else {
                        assertFalse(crls.get(m).isRevoked(node.certificate()));
                    }
                }
            }
            for (int i = revoked; i < nodes; i++) {
                NodeIdentity current = renewals.get(identities.get(i).certname()).get();
                FleetApi.Answer again = masters.get(i % 2).asNode(current, "POST", "/v1/ca/renewals/" + current.certname(),
                        Bootstrapper.csr(current.certname(), null, newKeys()).getBytes(StandardCharsets.US_ASCII),
                        Map.of("Content-Type", "application/x-pem-file"));
                assertEquals(200, again.status(), current.certname() + "'s renewed certificate is its current one on the other"
                        + " master too: " + again.body());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static KeyPair newKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
