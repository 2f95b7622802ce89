package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.client.Bootstrapper;
import io.kraftwerk.agent.client.SslFiles;
import io.kraftwerk.agent.client.Tls;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The CA of a real master, as an anonymous network client and a node being enrolled meet it: it
 * will not be flooded (body size, pending requests, requests per address), its names cannot be
 * taken (the master's own, a pending request's), and the trusted facts it signs into certificates
 * decide classification where what an agent claims cannot. Ordered: the pending requests and the
 * per-address budget add up from test to test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CaHardeningIT {
    private Path work;
    private MasterProcess master;
    private X509Certificate ca;
    private RawHttps anonymous;

    @BeforeAll
    void startMaster() throws Exception {
        work = Files.createDirectories(Repo.SCRATCH).resolve("ca-hardening-it");
        Repo.deleteTree(work);
        GitRepo manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production");
        manifests.write("site.yaml", manifests.read("site.yaml") + """

                  # the certificate says which nodes hold the vault token: no agent can claim it
                  - trusted: {role: vault}
                    roles: [vault]
                """);
        manifests.write("roles/vault.yaml", """
                apiVersion: kraftwerk/v1
                kind: Role
                resources:
                  file:
                    /etc/vault-token:
                      content: "${trusted.certname} in ${trusted.site}\\n"
                      mode: "0600"
                      sensitive: true
                """);
        manifests.commitAll("a role only trusted facts give");
        master = MasterProcess.start(Repo.ROOT, work.resolve("data"), manifests.dir().toString(), List.of("--host", "127.0.0.1",
                "--name", "localhost", "--name", "kwmaster.example.net", "--ip", "127.0.0.1", "--autosign-glob", "*.lab.example.net"),
                "-Dkraftwerk.master.max-pending-requests=4 -Dkraftwerk.master.ca-requests-per-minute=40");
        ca = NodeIdentity.readCertificate(master.caCertificate());
        anonymous = new RawHttps(NodeIdentity.anonymous(ca), "localhost", master.port());
    }

    @AfterAll
    void stopMaster() throws Exception {
        if (anonymous != null) {
            anonymous.close();
        }
        if (master != null) {
            master.close();
        }
    }

    @Test
    @Order(1)
    void aSigningRequestOfMoreThanAFewKibOrOfUnannouncedLengthIsRefusedUnread() throws Exception {
        RawHttps.Reply big = submit("big.example.net", "x".repeat(20_000).getBytes(StandardCharsets.US_ASCII));
        assertEquals(413, big.status());
        assertEquals("the request is 20000 bytes; at most 8192 are accepted here (a signing request is well under 1 KiB)",
                error(big));
        RawHttps.Reply chunked = anonymous.send("PUT", "/v1/ca/requests/big.example.net", Map.of("Content-Type", "text/plain",
                "Transfer-Encoding", "chunked"), "5\r\nhello\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(411, chunked.status());
    }

    @Test
    @Order(2)
    void theMastersOwnNamesCannotBeRequested() throws Exception {
        for (String name : List.of("kwmaster.example.net", "localhost")) {
            RawHttps.Reply refused = submit(name, csr(name, null, Map.of(), keys()));
            assertEquals(403, refused.status(), refused.text());
            assertEquals(name + " is a name of the master itself; no node may have a certificate for it", error(refused));
        }
    }

    @Test
    @Order(3)
    void aPendingNameIsNotTakenByAnotherKey() throws Exception {
        KeyPair node = keys();
        assertEquals(202, submit("n1.example.net", csr("n1.example.net", null, Map.of(), node)).status());
        RawHttps.Reply intruder = submit("n1.example.net", csr("n1.example.net", null, Map.of(), keys()));
        assertEquals(409, intruder.status());
        assertTrue(error(intruder).startsWith("n1.example.net already has a pending request for another key (SHA256:"), error(intruder));
        assertTrue(error(intruder).endsWith("an operator clears it with 'kw-master ca clean n1.example.net'"), error(intruder));
        assertEquals(202, submit("n1.example.net", csr("n1.example.net", null, Map.of(), node)).status(), "the node retrying");
    }

    @Test
    @Order(4)
    void trustedFactsAreSignedIntoTheCertificateAndDecideClassification() throws Exception {
        Path state = work.resolve("vault1");
        List<String> bootstrap = List.of(Repo.agent(), "bootstrap", "--server", master.url("localhost").toString(), "--certname",
                "vault1.example.net", "--trusted", "role=vault", "--wait", "0", "--state-dir", state.toString(), "--config",
                state.resolve("agent.yaml").toString());
        String waiting = run(bootstrap);
        Matcher printed = Pattern.compile("the request's key fingerprint is (SHA256:[0-9A-F:]{95});").matcher(waiting);
        assertTrue(printed.find(), waiting);
        String list = master.cli(Repo.ROOT, "ca", "list").getValue();
        assertTrue(list.lines().anyMatch(l -> l.matches("pending +vault1\\.example\\.net +" + printed.group(1)
                + " asks for trusted role=vault; .*")), list);
        Map.Entry<Integer, String> signed = master.cli(Repo.ROOT, "ca", "sign", "vault1.example.net", "--fingerprint",
                printed.group(1), "--trusted", "site=fra");
        assertEquals(0, signed.getKey(), signed.getValue());
        assertTrue(signed.getValue().contains("with trusted facts role=vault, site=fra"), signed.getValue());
        assertTrue(run(bootstrap).contains("vault1.example.net has its certificate"));

        SslFiles ssl = SslFiles.in(state);
        NodeIdentity vault1 = new NodeIdentity("vault1.example.net", Tls.privateKey(Files.readString(ssl.key())),
                Tls.certificate(Files.readString(ssl.certificate())), ca);
        String facts = Files.readString(Repo.ROOT.resolve("manifests/facts/web1.example.net.json"));
        Catalog catalog = catalog(vault1, facts);
        assertTrue(catalog.resources().stream().anyMatch(r -> r.id().equals("file[/etc/vault-token]")), "the vault role");
        assertTrue(new String(ModelJson.writeBytes(catalog), StandardCharsets.UTF_8).contains("vault1.example.net in fra"));

        // a node without the trusted fact cannot claim it: whatever its facts say, no vault role
        NodeIdentity claimer = NodeIdentity.issue(master.caDir(), "claimer.example.net");
        Catalog claimed = catalog(claimer, facts.replaceFirst("\\{", "{\"role\": \"vault\", \"trusted\": {\"role\": \"vault\"}, "));
        assertFalse(claimed.resources().stream().anyMatch(r -> r.id().equals("file[/etc/vault-token]")));
    }

    @Test
    @Order(5)
    void aNameGlobSignsANameButLeavesTrustedFactsToAnOperator() throws Exception {
        Path state = work.resolve("t1");
        String out = run(List.of(Repo.agent(), "bootstrap", "--server", master.url("localhost").toString(), "--certname",
                "t1.lab.example.net", "--trusted", "role=vault", "--wait", "0", "--state-dir", state.toString(), "--config",
                state.resolve("agent.yaml").toString()));
        assertTrue(out.contains("waiting for an operator: the request asks for trusted facts (role=vault), which a name glob does"
                + " not approve: kw-master ca sign t1.lab.example.net"), out);
        String plain = run(List.of(Repo.agent(), "bootstrap", "--server", master.url("localhost").toString(), "--certname",
                "t2.lab.example.net", "--wait", "0", "--state-dir", work.resolve("t2").toString(), "--config",
                work.resolve("t2/agent.yaml").toString()));
        assertTrue(plain.contains("t2.lab.example.net has its certificate"), plain);
    }

    @Test
    @Order(6)
    void pendingRequestsAreCapped() throws Exception {
        // pending now: n1 and t1.lab; the cap is 4
        assertEquals(202, submit("n2.example.net", csr("n2.example.net", null, Map.of(), keys())).status());
        assertEquals(202, submit("n3.example.net", csr("n3.example.net", null, Map.of(), keys())).status());
        RawHttps.Reply full = submit("n4.example.net", csr("n4.example.net", null, Map.of(), keys()));
        assertEquals(503, full.status());
        assertEquals("60", full.headers().get("retry-after"));
        assertEquals("the CA holds 4 pending requests, as many as it takes; try again later (operators: sign or clean them, or"
                + " raise kraftwerk.master.max-pending-requests)", error(full));
    }

    @Test
    @Order(7)
    void oneAddressMakesOnlySoManyAnonymousCaRequestsAMinute() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        RawHttps.Reply limited = null;
        for (int i = 0; i < 60; i++) {
            RawHttps.Reply reply = anonymous.send("GET", "/v1/ca/certificates/n1.example.net", Map.of(), null);
            statuses.add(reply.status());
            if (reply.status() == 429) {
                limited = reply;
            }
        }
        assertTrue(statuses.stream().filter(s -> s == 429).count() >= 20, statuses.toString());
        assertTrue(limited != null && Integer.parseInt(limited.headers().get("retry-after")) >= 1, statuses.toString());
        assertTrue(error(limited).matches("too many certificate requests from 127\\.0\\.0\\.1 \\(at most 40 a minute\\); try again"
                + " in \\d+ s"), error(limited));
        assertEquals(200, anonymous.send("GET", "/v1/ca/certificate", Map.of(), null).status(), "the CA certificate stays open");
    }

    @Test
    @Order(8)
    void theMasterDoesNotStartWithoutAGoodAdminToken() throws Exception {
        Path data = work.resolve("no-token");
        Files.createDirectories(data);
        String missing = serve(data);
        assertTrue(missing.contains("kw-master serve: the admin token " + data.resolve("admin.token") + " is missing: make one with"
                + " 'kw-master admin-token --data-dir " + data + "'"), missing);
        Files.writeString(data.resolve("admin.token"), "letmein\n");
        Files.setPosixFilePermissions(data.resolve("admin.token"), PosixFilePermissions.fromString("rw-------"));
        assertTrue(serve(data).contains("is too weak"), "a weak token");
        String made = run(List.of(Repo.ROOT.resolve("bin/kw-master").toString(), "admin-token", "--data-dir", data.toString(),
                "--rotate"));
        assertEquals("replaced the admin token: " + data.resolve("admin.token") + " (restart the master to use it)\n", made);
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve("admin.token"))));
        assertTrue(Files.readString(data.resolve("admin.token")).matches("[0-9a-f]{64}\n"));
    }

    // --- helpers

    private RawHttps.Reply submit(String certname, byte[] csr) throws Exception {
        return anonymous.send("PUT", "/v1/ca/requests/" + certname, Map.of("Content-Type", "text/plain"), csr);
    }

    private static byte[] csr(String certname, String token, Map<String, String> trusted, KeyPair keys) throws Exception {
        return Bootstrapper.csr(certname, token, trusted, keys).getBytes(StandardCharsets.US_ASCII);
    }

    private static KeyPair keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static String error(RawHttps.Reply reply) throws Exception {
        return ModelJson.mapper().readTree(reply.body()).get("error").asText();
    }

    private Catalog catalog(NodeIdentity node, String facts) throws Exception {
        try (RawHttps connection = new RawHttps(node.sslContext(), "localhost", master.port())) {
            RawHttps.Reply reply = connection.send("POST", "/v1/catalogs/" + node.certname(), Map.of("Content-Type",
                    "application/json"), facts.getBytes(StandardCharsets.UTF_8));
            assertEquals(200, reply.status(), reply.text());
            return ModelJson.readCatalog(reply.body(), "catalog");
        }
    }

    private String serve(Path data) throws Exception {
        Process p = new ProcessBuilder(Repo.ROOT.resolve("bin/kw-master").toString(), "serve", "--manifests", work.resolve("manifests")
                .toString(), "--data-dir", data.toString(), "--port", "1").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertFalse(Files.exists(data.resolve("ca")), "it stopped before making anything");
        return out;
    }

    private static String run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return out;
    }
}
