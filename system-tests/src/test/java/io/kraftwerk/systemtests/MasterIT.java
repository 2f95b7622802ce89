package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.agent.client.Bootstrapper;
import io.kraftwerk.agent.client.MasterClient;
import io.kraftwerk.agent.client.Renewal;
import io.kraftwerk.agent.client.SslFiles;
import io.kraftwerk.agent.client.Tls;
import io.kraftwerk.master.ca.CertificateAuthority;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.testkit.GitRepo;
import io.kraftwerk.testkit.MasterProcess;
import io.kraftwerk.testkit.NodeIdentity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real {@code kw-master serve} over mutual TLS, asked by clients with and without certificates,
 * from its CA and from another, revoked and expired; and the catalog service's answers: 304,
 * 4xx with reasons, 429 under overload, refresh, a broken commit. Ordered where a later step
 * builds on the manifests an earlier one committed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MasterIT {
    private static final String TOKEN = "bootstrap-token-4c1b9e";
    private Path work;
    private GitRepo manifests;
    private MasterProcess master;
    private X509Certificate ca;
    private NodeIdentity web1;
    private byte[] web1Facts;
    private final Map<String, HttpClient> clients = new HashMap<>();

    @BeforeAll
    void startMaster() throws Exception {
        work = Files.createDirectories(Repo.SCRATCH).resolve("master-it");
        Repo.deleteTree(work);
        manifests = GitRepo.create(work.resolve("manifests"), Repo.ROOT.resolve("manifests"), "production");
        Files.writeString(work.resolve("token"), TOKEN + "\n");
        // polling is slow here so that only POST /v1/environments/refresh can explain a new commit
        Repo.stockStore(work.resolve("data"));
        master = MasterProcess.start(Repo.ROOT, work.resolve("data"), manifests.dir().toString(), List.of("--host", "127.0.0.1",
                "--name", "localhost", "--ip", "127.0.0.1", "--poll-interval", "1h",
                "--autosign-token-file", work.resolve("token").toString()),
                // no catalog's bytes are kept (each is dropped once served): answers come from the ETags remembered
                "-Dkraftwerk.master.max-inflight=4 -Dkraftwerk.master.catalog-cache-bytes=1");
        ca = NodeIdentity.readCertificate(master.caCertificate());
        web1 = NodeIdentity.issue(master.caDir(), "web1.example.net");
        web1Facts = Files.readAllBytes(Repo.ROOT.resolve("manifests/facts/web1.example.net.json"));
    }

    @AfterAll
    void stopMaster() throws Exception {
        if (master != null) {
            master.close();
        }
    }

    @Test
    @Order(1)
    void withoutACertificateOnlyTheCaBootstrapEndpointsAnswer() throws Exception {
        Answer caCert = call(null, "GET", "/v1/ca/certificate", null, Map.of());
        assertEquals(200, caCert.status());
        assertEquals(Files.readString(master.caCertificate()), caCert.body());
        assertEquals(200, call(null, "GET", "/v1/ca/crl", null, Map.of()).status());

        Answer catalog = call(null, "POST", "/v1/catalogs/web1.example.net", web1Facts, Map.of());
        assertEquals(401, catalog.status());
        assertEquals("a client certificate issued by this master's CA is required (run kw-agent bootstrap)", catalog.reason());
        assertEquals(401, call(null, "POST", "/v1/reports/web1.example.net", "{}".getBytes(), Map.of()).status());
    }

    @Test
    @Order(2)
    void aCertificateFromAnotherCaIsRefusedAtTheHandshake() throws Exception {
        NodeIdentity stranger = NodeIdentity.issue(work.resolve("other-ca"), "web1.example.net").trusting(ca);
        IOException refused = assertThrows(IOException.class,
                () -> call(stranger, "POST", "/v1/catalogs/web1.example.net", web1Facts, Map.of()));
        assertTrue(String.valueOf(refused.getMessage()).matches(".*(certificate|alert|reset|closed).*"), String.valueOf(refused));
        // the same request with the master's own certificate goes through: the CA made the difference
        assertEquals(200, call(web1, "POST", "/v1/catalogs/web1.example.net", web1Facts, Map.of()).status());
    }

    @Test
    @Order(3)
    void anExpiredCertificateIsRefused() throws Exception {
        Instant lastWeek = Instant.now().minus(Duration.ofDays(7));
        NodeIdentity old = NodeIdentity.issue(master.caDir(), "old.example.net", Clock.fixed(lastWeek, ZoneOffset.UTC),
                new CertificateAuthority.Profile(Duration.ofDays(3650), Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(30)));
        assertTrue(old.certificate().getNotAfter().toInstant().isBefore(Instant.now()));
        assertThrows(IOException.class, () -> call(old, "POST", "/v1/catalogs/old.example.net", web1Facts, Map.of()));
    }

    @Test
    @Order(4)
    void aNodeGetsOnlyItsOwnCatalogAndA304WhenNothingChanged() throws Exception {
        Answer first = call(web1, "POST", "/v1/catalogs/web1.example.net", web1Facts, Map.of());
        assertEquals(200, first.status(), first.body());
        Catalog catalog = ModelJson.readCatalog(first.body().getBytes(StandardCharsets.UTF_8), "answer");
        assertEquals("web1.example.net", catalog.node());
        assertEquals(manifests.head(), catalog.version());
        assertEquals(manifests.head(), first.header("X-Kraftwerk-Catalog-Version"));
        String etag = first.header("ETag");
        assertTrue(etag.matches("\"[0-9a-f]{40}\""), etag);

        long compiles = compiles();
        Answer again = call(web1, "POST", "/v1/catalogs/web1.example.net", web1Facts, Map.of("If-None-Match", etag));
        assertEquals(304, again.status());
        assertEquals("", again.body());
        assertEquals(etag, again.header("ETag"));
        assertEquals(compiles, compiles(), "a node that has its catalog gets 304 from the ETag remembered, without a compile");
        assertEquals(0, admin("GET", "/v1/admin/status").json().get("cached_catalog_bytes").asLong(), "no bytes kept here");
        // a node without it (its state lost) gets the same catalog, compiled again because its bytes were dropped
        Answer lost = call(web1, "POST", "/v1/catalogs/web1.example.net", web1Facts, Map.of("If-None-Match", "\"0000\""));
        assertEquals(200, lost.status());
        assertEquals(etag, lost.header("ETag"));
        assertEquals(first.body(), lost.body());
        assertEquals(compiles + 1, compiles());

        Answer other = call(web1, "POST", "/v1/catalogs/db1.example.net", web1Facts, Map.of());
        assertEquals(403, other.status());
        assertEquals("a node may act only for itself: this certificate is web1.example.net, the request is for"
                + " db1.example.net", other.reason());
        Answer report = call(web1, "POST", "/v1/reports/db1.example.net", "{}".getBytes(), Map.of());
        assertEquals(403, report.status());
        assertEquals("a node may act only for itself: this certificate is web1.example.net, the request is for"
                + " db1.example.net", report.reason());
        // its own address, but a report that says it is another node's
        Answer disguised = call(web1, "POST", "/v1/reports/web1.example.net",
                ModelJson.writeBytes(ScriptedReports.unchanged("db1.example.net", Instant.now())), Map.of());
        assertEquals(403, disguised.status());
        assertEquals("a node may send only its own reports: this report is for db1.example.net", disguised.reason());
        Answer renewal = call(web1, "POST", "/v1/ca/renewals/db1.example.net", "x".getBytes(), Map.of("Content-Type", "text/plain"));
        assertEquals(403, renewal.status(), "a renewal for another node's name");
        assertEquals("a node may act only for itself: this certificate is web1.example.net, the request is for"
                + " db1.example.net", renewal.reason());
    }

    @Test
    @Order(5)
    void aRevokedCertificateIsRefusedFromTheNextRequestWithoutARestart() throws Exception {
        NodeIdentity gone = NodeIdentity.issue(master.caDir(), "gone.example.net");
        // on one kept-alive connection: the master keeps a node's identity per TLS session, and a
        // revocation must still count from the very next request on it
        try (RawHttps connection = new RawHttps(gone.sslContext(), "localhost", master.port())) {
            Map<String, String> json = Map.of("Content-Type", "application/json");
            assertEquals(200, connection.send("POST", "/v1/catalogs/gone.example.net", json, web1Facts).status());
            assertEquals(200, connection.send("POST", "/v1/catalogs/gone.example.net", json, web1Facts).status());
            Map.Entry<Integer, String> revoke = master.cli(Repo.ROOT, "ca", "revoke", "gone.example.net");
            assertEquals(0, revoke.getKey(), revoke.getValue());
            RawHttps.Reply refused = connection.send("POST", "/v1/catalogs/gone.example.net", json, web1Facts);
            assertEquals(403, refused.status());
            assertEquals(1, connection.connections(), "all three requests on one connection");
            assertTrue(refused.text().contains("this certificate (serial " + gone.certificate().getSerialNumber().toString(16)
                    + ") has been revoked"), refused.text());
        }
        Answer refused = call(gone, "POST", "/v1/catalogs/gone.example.net", web1Facts, Map.of());
        assertEquals(403, refused.status());
        assertEquals("this certificate (serial " + gone.certificate().getSerialNumber().toString(16) + ") has been revoked",
                refused.reason());
        assertTrue(call(null, "GET", "/v1/ca/crl", null, Map.of()).body().contains("BEGIN X509 CRL"));
    }

    @Test
    @Order(6)
    void bootstrapWithAWrongTokenWaitsUntilAnOperatorSigns() throws Exception {
        Path state = work.resolve("agent-pending");
        Run gaveUp = run(List.of(Repo.agent(), "bootstrap", "--server", master.url("localhost").toString(), "--certname",
                "new1.example.net", "--token", "not-the-token", "--wait", "1", "--poll", "1", "--state-dir", state.toString(),
                "--config", state.resolve("agent.yaml").toString()));
        assertEquals(1, gaveUp.exitCode(), gaveUp.output());
        Matcher gaveUpLine = Pattern.compile("kw-agent bootstrap: no certificate yet after 1 s: waiting for an operator: kw-master"
                + " ca sign new1.example.net --fingerprint (SHA256:[0-9A-F:]{95})\\. Once an operator has signed it, run kw-agent"
                + " bootstrap again \\(it keeps its key and request\\)\\.").matcher(gaveUp.output());
        assertTrue(gaveUpLine.find(), gaveUp.output());
        String key = Files.readString(state.resolve("ssl/private_key.pem"));
        // run again, it goes on with the same key and waits until an operator signs
        Process agent = new ProcessBuilder(Repo.agent(), "bootstrap", "--server", master.url("localhost").toString(),
                "--certname", "new1.example.net", "--token", "not-the-token", "--wait", "120", "--poll", "1",
                "--ca-fingerprint", fingerprint(), "--state-dir", state.toString(), "--config", state.resolve("agent.yaml").toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertEquals("kw-agent bootstrap: request sent for new1.example.net (waiting for an operator: kw-master ca sign"
                    + " new1.example.net --fingerprint " + gaveUpLine.group(1) + ")", line, "the same key as the first time");
            Matcher printed = Pattern.compile("kw-agent bootstrap: the request's key fingerprint is (SHA256:[0-9A-F:]{95}); the"
                    + " operator signs it with: kw-master ca sign new1.example.net --fingerprint \\1").matcher(out.readLine());
            assertTrue(printed.matches(), "the agent prints its request's fingerprint");
            assertTrue(agent.isAlive(), "the agent waits for the signature");
            Map.Entry<Integer, String> list = master.cli(Repo.ROOT, "ca", "list");
            assertTrue(list.getValue().lines().anyMatch(l -> l.matches("pending +new1\\.example\\.net +" + printed.group(1)
                    + " \\(compare with what the agent printed, then: kw-master ca sign new1.example.net --fingerprint "
                    + printed.group(1) + "\\)")), list.getValue());

            Map.Entry<Integer, String> wrong = master.cli(Repo.ROOT, "ca", "sign", "new1.example.net", "--fingerprint",
                    "SHA256:" + "AB:".repeat(31) + "AB");
            assertEquals(1, wrong.getKey(), wrong.getValue());
            assertTrue(wrong.getValue().contains("kw-master ca: the pending request of new1.example.net is for key "
                    + printed.group(1) + ", not SHA256:AB:"), wrong.getValue());
            Map.Entry<Integer, String> sign = master.cli(Repo.ROOT, "ca", "sign", "new1.example.net", "--fingerprint",
                    printed.group(1));
            assertEquals(0, sign.getKey(), sign.getValue());
            assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "bootstrap ends once signed");
            String rest = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, agent.exitValue(), rest);
            assertTrue(rest.startsWith("kw-agent bootstrap: new1.example.net has its certificate (valid until "), rest);
        } finally {
            agent.destroyForcibly();
        }
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve("ssl/private_key.pem"))));
        assertEquals(key, Files.readString(state.resolve("ssl/private_key.pem")), "the key made by the first attempt");
        assertTrue(Files.readString(state.resolve("agent.yaml")).contains("certname: new1.example.net"));
    }

    @Test
    @Order(7)
    void bootstrapWithTheRightTokenIsSignedAtOnceAndAWrongFingerprintIsRefused() throws Exception {
        Path state = work.resolve("agent-token");
        List<String> argv = List.of(Repo.agent(), "bootstrap", "--server", master.url("localhost").toString(),
                "--certname", "new2.example.net", "--token", TOKEN, "--wait", "0", "--state-dir", state.toString(),
                "--config", state.resolve("agent.yaml").toString());
        List<String> wrongFingerprint = new ArrayList<>(argv);
        wrongFingerprint.addAll(List.of("--ca-fingerprint", "SHA256:" + "AB:".repeat(31) + "AB"));
        Run refused = run(wrongFingerprint);
        assertEquals(1, refused.exitCode(), refused.output());
        assertTrue(refused.output().startsWith("kw-agent bootstrap: refusing the master's CA: its fingerprint is " + fingerprint()),
                refused.output());
        assertTrue(Files.notExists(state.resolve("ssl/ca.pem")), "nothing of that CA is kept");

        Run signed = run(argv);
        assertEquals(0, signed.exitCode(), signed.output());
        assertTrue(signed.output().contains("new2.example.net has its certificate"), signed.output());

        // a CA kept from the first bootstrap is checked against a fingerprint given later, too
        Run again = run(wrongFingerprint);
        assertEquals(1, again.exitCode(), again.output());
        assertTrue(again.output().startsWith("kw-agent bootstrap: " + state.resolve("ssl/ca.pem") + " holds a CA with fingerprint "
                + fingerprint() + ", not SHA256:AB:"), again.output());

        // a revoked certificate: bootstrap says so and what to do, instead of waiting
        assertEquals(0, master.cli(Repo.ROOT, "ca", "revoke", "new2.example.net").getKey());
        Path fresh2 = work.resolve("agent-token-2");
        List<String> fresh = List.of(Repo.agent(), "bootstrap", "--server", master.url("localhost").toString(),
                "--certname", "new2.example.net", "--wait", "30", "--state-dir", fresh2.toString(), "--config",
                fresh2.resolve("agent.yaml").toString());
        Run revoked = run(fresh);
        assertEquals(1, revoked.exitCode(), revoked.output());
        assertTrue(revoked.output().contains("kw-agent bootstrap: the master's certificate for new2.example.net is revoked or expired: "),
                revoked.output());
        assertTrue(revoked.output().contains("The name is not enrolled again until an operator runs 'kw-master ca clean"
                + " new2.example.net'; then run kw-agent bootstrap again."), revoked.output());
        // nor with the bootstrap token, by a request sent straight to the CA
        Answer again2 = call(null, "PUT", "/v1/ca/requests/new2.example.net",
                Bootstrapper.csr("new2.example.net", TOKEN, newKeys()).getBytes(StandardCharsets.US_ASCII),
                Map.of("Content-Type", "text/plain"));
        assertEquals(409, again2.status());
        assertEquals("the certificate of new2.example.net is revoked; the name is not enrolled again until an operator runs"
                + " 'kw-master ca clean new2.example.net'", again2.reason());
    }

    @Test
    @Order(8)
    void badRequestsGetA4xxWithTheReason() throws Exception {
        Answer malformed = call(web1, "POST", "/v1/catalogs/web1.example.net", "{\"os\": ".getBytes(), Map.of());
        assertEquals(400, malformed.status());
        assertTrue(malformed.reason().startsWith("the facts are not a JSON object: "), malformed.reason());
        Answer array = call(web1, "POST", "/v1/catalogs/web1.example.net", "[1]".getBytes(), Map.of());
        assertEquals(400, array.status());

        byte[] huge = ("{\"junk\": \"" + "x".repeat(2 << 20) + "\"}").getBytes();
        Answer tooBig = call(web1, "POST", "/v1/catalogs/web1.example.net", huge, Map.of());
        assertEquals(413, tooBig.status());
        assertEquals("the facts are " + huge.length + " bytes; at most 1048576 are accepted", tooBig.reason());
        byte[] hugeReport = ("{\"junk\": \"" + "x".repeat(16 << 20) + "\"}").getBytes();
        Answer reportTooBig = call(web1, "POST", "/v1/reports/web1.example.net", hugeReport, Map.of());
        assertEquals(400, reportTooBig.status());
        assertEquals("the report is " + hugeReport.length + " bytes; at most 16777216 are accepted", reportTooBig.reason());

        Answer notAllowed = call(web1, "POST", "/v1/catalogs/web1.example.net?environment=qa", web1Facts, Map.of());
        assertEquals(403, notAllowed.status());
        assertEquals("node web1.example.net may not use environment 'qa'; the manifests put it in 'production' (allow it"
                + " with allow_environments in site.yaml)", notAllowed.reason());
        Answer noBranch = call(web1, "POST", "/v1/catalogs/web1.example.net?environment=staging", web1Facts, Map.of());
        assertEquals(400, noBranch.status());
        assertEquals("unknown environment 'staging': the manifests repository has no such branch", noBranch.reason());
    }

    @Test
    @Order(9)
    void overloadIsShedWith429AndRetryAfterAndTheSlotsComeBack() throws Exception {
        List<SSLSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                SSLSocket socket = (SSLSocket) web1.sslContext().getSocketFactory().createSocket("localhost", master.port());
                OutputStream out = socket.getOutputStream();
                // headers and the start of a body that never comes: the request stays in flight
                out.write(("POST /v1/catalogs/web1.example.net HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                held.add(socket);
            }
            awaitInflight(4);
            Answer shed = call(web1, "POST", "/v1/catalogs/web1.example.net", web1Facts, Map.of());
            assertEquals(429, shed.status());
            assertEquals("5", shed.header("Retry-After"));
            assertEquals("the master is busy; try again in 5 s", shed.reason());
        } finally {
            for (SSLSocket socket : held) {
                socket.close();
            }
        }
        awaitInflight(0);
        assertEquals(200, call(web1, "POST", "/v1/catalogs/web1.example.net", web1Facts, Map.of()).status());
    }

    @Test
    @Order(10)
    void adminEndpointsNeedTheToken() throws Exception {
        Answer without = call(null, "GET", "/v1/environments", null, Map.of());
        assertEquals(401, without.status());
        assertEquals("Bearer", without.header("WWW-Authenticate"));
        Answer node = call(web1, "GET", "/v1/environments", null, Map.of());
        assertEquals(403, node.status());
        assertEquals("this is for admins, not nodes (this certificate is web1.example.net)", node.reason());
        Answer wrong = call(web1, "GET", "/v1/environments", null, Map.of("Authorization", "Bearer nope"));
        assertEquals(401, wrong.status());
        assertEquals("Bearer", wrong.header("WWW-Authenticate"));
        assertTrue(wrong.reason().startsWith("the bearer token is not the admin token ("), wrong.body());
        Answer wrongOnAnOpenRoute = call(null, "GET", "/v1/ca/certificate", null, Map.of("Authorization", "Bearer nope"));
        assertEquals(401, wrongOnAnOpenRoute.status(), "a wrong token is refused even where none is needed");
        assertEquals(wrong.reason(), wrongOnAnOpenRoute.reason());
        Answer notBearer = call(null, "GET", "/v1/environments", null, Map.of("Authorization", "Basic YWRtaW46YWRtaW4="));
        assertEquals(401, notBearer.status());
        assertTrue(notBearer.reason().startsWith("the Authorization header must be 'Bearer TOKEN'"), notBearer.body());
        Answer status = admin("GET", "/v1/admin/status");
        assertEquals(200, status.status());
        assertEquals(manifests.head(), status.json().get("environments").get("production").asText());

        assertEquals(403, call(web1, "GET", "/q/metrics", null, Map.of()).status(), "metrics are for admins");
        assertEquals(401, call(null, "GET", "/q/metrics", null, Map.of()).status());
        Answer stored = call(web1, "POST", "/v1/reports/web1.example.net",
                ModelJson.writeBytes(ScriptedReports.unchanged("web1.example.net", Instant.now())),
                Map.of());
        assertEquals(201, stored.status(), stored.body());
        Answer metrics = admin("GET", "/q/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("kraftwerk_catalog_requests_total{result=\"not_modified\"}"), metrics.body());
        assertTrue(metrics.body().contains("kraftwerk_catalog_compile_seconds_bucket"), "the compile time histogram");
        assertTrue(metrics.body().contains("kraftwerk_nodes{status=\"unresponsive\"}"), "nodes by status");
        // Reports so far: one naming another node in its body (order 4), one too big (order 8), the one above; a report
        // to another node's address is refused before it is read, as any request a caller may not make.
        for (String result : List.of("refused", "invalid", "stored")) {
            assertTrue(metrics.body().contains("kraftwerk_reports_total{result=\"" + result + "\"} 1.0"), result + "\n" + metrics.body());
        }
        Answer openapi = admin("GET", "/q/openapi?format=json");
        assertEquals(200, openapi.status());
        assertTrue(openapi.json().get("paths").has("/v1/fleet/nodes"), openapi.body().substring(0, 200));
    }

    @Test
    @Order(11)
    void aNodeGetsAnotherEnvironmentWhereTheManifestsAllowIt() throws Exception {
        manifests.git("branch", "staging");
        assertEquals(200, admin("POST", "/v1/environments/refresh").status());
        Answer staging = call(web1, "POST", "/v1/catalogs/web1.example.net?environment=staging", web1Facts, Map.of());
        assertEquals(200, staging.status(), staging.body());
        Catalog catalog = ModelJson.readCatalog(staging.body().getBytes(StandardCharsets.UTF_8), "answer");
        assertEquals("staging", catalog.environment());
        NodeIdentity db1 = NodeIdentity.issue(master.caDir(), "db1.example.net");
        Answer refused = call(db1, "POST", "/v1/catalogs/db1.example.net?environment=staging", web1Facts, Map.of());
        assertEquals(403, refused.status());
        assertEquals("node db1.example.net may not use environment 'staging'; the manifests put it in 'production' (allow it"
                + " with allow_environments in site.yaml)", refused.reason());
    }

    @Test
    @Order(12)
    void anAgentRenewsItsCertificateBeforeItExpiresWithTheCurrentOne() throws Exception {
        NodeIdentity expiring = NodeIdentity.issue(master.caDir(), "renew1.example.net", Clock.systemUTC(),
                new CertificateAuthority.Profile(Duration.ofDays(3650), Duration.ofDays(10), Duration.ofDays(10), Duration.ofDays(30)));
        Path state = work.resolve("agent-renew");
        expiring.writeAgentSsl(state.resolve("ssl"));
        SslFiles ssl = SslFiles.in(state);
        MasterClient client = new MasterClient(master.url("localhost"), Tls.context(ssl.ca(), ssl.certificate(), ssl.key()),
                Duration.ofSeconds(30), new MasterClient.Retry(1, Duration.ofMillis(10), Duration.ofMillis(10)));
        String message = Renewal.renewIfDue(client, ssl, "renew1.example.net", Clock.systemUTC());
        assertTrue(message.startsWith("renewed the certificate; the new one is valid until "), message);

        X509Certificate renewed = NodeIdentity.readCertificate(ssl.certificate());
        assertTrue(renewed.getNotAfter().toInstant().isAfter(Instant.now().plus(Duration.ofDays(4 * 365))));
        assertNotEquals(expiring.certificate().getPublicKey(), renewed.getPublicKey(), "a new key with the new certificate");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ssl.key())));
        NodeIdentity now = new NodeIdentity("renew1.example.net", Tls.privateKey(Files.readString(ssl.key())), renewed, ca);
        assertEquals(200, call(now, "POST", "/v1/catalogs/renew1.example.net", web1Facts, Map.of()).status());
        MasterClient fresh = new MasterClient(master.url("localhost"), Tls.context(ssl.ca(), ssl.certificate(), ssl.key()),
                Duration.ofSeconds(30), new MasterClient.Retry(1, Duration.ofMillis(10), Duration.ofMillis(10)));
        assertEquals(null, Renewal.renewIfDue(fresh, ssl, "renew1.example.net", Clock.systemUTC()), "not due again for years");
    }

    @Test
    @Order(20)
    void refreshServesANewCommitAndABrokenCommitIs422WithFileAndLine() throws Exception {
        Answer before = call(web1, "POST", "/v1/catalogs/web1.example.net", web1Facts, Map.of());
        String oldCommit = manifests.head();
        manifests.write("templates/motd.txt", manifests.read("templates/motd.txt") + "Maintenance: Sundays 04:00 UTC\n");
        String newCommit = manifests.commitAll("motd: maintenance window");

        Answer stale = call(web1, "POST", "/v1/catalogs/web1.example.net", web1Facts,
                Map.of("If-None-Match", before.header("ETag")));
        assertEquals(304, stale.status(), "not refreshed yet: the master still serves " + oldCommit);

        Answer refreshed = admin("POST", "/v1/environments/refresh");
        assertEquals(200, refreshed.status(), refreshed.body());
        assertEquals(newCommit, refreshed.json().get("environments").get("production").get("commit").asText());
        Answer fresh = call(web1, "POST", "/v1/catalogs/web1.example.net", web1Facts,
                Map.of("If-None-Match", before.header("ETag")));
        assertEquals(200, fresh.status());
        assertEquals(newCommit, fresh.header("X-Kraftwerk-Catalog-Version"));
        assertNotEquals(before.header("ETag"), fresh.header("ETag"));
        assertTrue(fresh.body().contains("Maintenance: Sundays 04:00 UTC"));

        String base = manifests.read("roles/base.yaml");
        String broken = base.replaceFirst("(/etc/motd:\n(?:.*\n){3}      )mode:", "$1mod:");
        assertNotEquals(base, broken);
        manifests.write("roles/base.yaml", broken);
        String brokenCommit = manifests.commitAll("a typo");
        assertEquals(200, admin("POST", "/v1/environments/refresh").status());
        Answer failed = call(web1, "POST", "/v1/catalogs/web1.example.net", web1Facts, Map.of());
        assertEquals(422, failed.status());
        assertEquals("the manifests at " + brokenCommit + " (production) do not compile for web1.example.net", failed.reason());
        int line = List.of(broken.split("\n", -1)).indexOf("      mod: \"0644\"") + 1;
        assertEquals(List.of("roles/base.yaml:" + line + ":7: unknown attribute 'mod' for file[/etc/motd] (did you mean 'mode'?)"),
                failed.details());
        JsonNode errors = admin("GET", "/v1/environments").json().get("compile_errors");
        assertTrue(errors.toString().contains("roles/base.yaml:" + line + ":7"), errors.toString());
    }

    // --- helpers

    private record Answer(int status, String body, Map<String, List<String>> headers) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
                    .findFirst().orElse(null);
        }

        JsonNode json() throws IOException {
            return ModelJson.mapper().readTree(body);
        }

        String reason() throws IOException {
            return json().get("error").asText();
        }

        List<String> details() throws IOException {
            List<String> out = new ArrayList<>();
            json().get("details").forEach(d -> out.add(d.asText()));
            return out;
        }
    }

    private record Run(int exitCode, String output) {
    }

    /** A request as {@code who} (null: no client certificate), on that identity's own connection pool. */
    private Answer call(NodeIdentity who, String method, String path, byte[] body, Map<String, String> headers)
            throws IOException, InterruptedException {
        String key = who == null ? "anonymous" : who.certificate().getSerialNumber().toString(16);
        HttpClient client = clients.get(key);
        if (client == null) {
            try {
                client = HttpClient.newBuilder().sslContext(who == null ? NodeIdentity.anonymous(ca) : who.sslContext())
                        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException(e);
            }
            clients.put(key, client);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(master.url("localhost") + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers().map());
    }

    /** Catalog compiles so far, as the master counts them (its Prometheus metrics). */
    private long compiles() throws Exception {
        Matcher m = Pattern.compile("(?m)^kraftwerk_catalog_compile_seconds_count(?:\\{[^}]*\\})? ([0-9.E]+)$")
                .matcher(admin("GET", "/q/metrics").body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private Answer admin(String method, String path) throws Exception {
        return call(web1, method, path, method.equals("POST") ? new byte[0] : null,
                Map.of("Authorization", "Bearer " + master.adminToken()));
    }

    private static java.security.KeyPair newKeys() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private String fingerprint() throws Exception {
        return "SHA256:" + HexFormat.ofDelimiter(":").withUpperCase().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()));
    }

    /** Waits until the master counts this many catalog and report requests in flight (its admin status says). */
    private void awaitInflight(int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int inflight = admin("GET", "/v1/admin/status").json().get("inflight").asInt();
        while (inflight != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            inflight = admin("GET", "/v1/admin/status").json().get("inflight").asInt();
        }
        assertEquals(expected, inflight, "requests in flight");
    }

    private static Run run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }
}
