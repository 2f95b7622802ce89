package io.kraftwerk.agent.run;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.kraftwerk.agent.client.MasterClient;
import io.kraftwerk.agent.client.SslFiles;
import io.kraftwerk.agent.client.TestPki;
import io.kraftwerk.agent.client.WireMockMaster;
import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.CatalogSource;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.resource.FileResource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A run (kw-agent run) against WireMock playing a master that misbehaves, over mutual TLS like the real
 * one. Whatever the master does, the agent converges to the last good catalog (and says why) and
 * keeps every report until the master takes it, in the order the runs happened. The catalogs
 * manage one file in a temporary directory: nothing else on this host is touched.
 */
public class MisbehavingMasterTest {
    private static final String NODE = "web1.example.net";
    private static final String CATALOG_PATH = "/v1/catalogs/" + NODE;
    private static final String REPORT_PATH = "/v1/reports/" + NODE;
    private static final Duration MASTER_TIMEOUT = Duration.ofMillis(1500);
    private static WireMockServer master;
    private static TestPki pki;

    @TempDir
    Path dir;

    private AgentConfig config;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void startMaster(@TempDir Path keys) throws Exception {
        pki = new TestPki();
        master = WireMockMaster.start(pki, keys);
    }

    @AfterAll
    static void stopMaster() {
        if (master != null) {
            master.stop();
        }
    }

    @BeforeEach
    void node() throws Exception {
        master.resetAll();
        Path state = dir.resolve("state");
        pki.writeNodeSsl(SslFiles.in(state), NODE);
        config = new AgentConfig(URI.create("https://localhost:" + master.httpsPort()), NODE, null, Duration.ofMinutes(30), state);
        master.stubFor(post(REPORT_PATH).willReturn(aResponse().withStatus(202).withBody("{\"status\": \"stored\"}")));
    }

    @Test
    void aGoodCatalogIsAppliedCachedAndItsReportSent() throws Exception {
        serve(catalog("v1", "port = 8000\n"), "\"e1\"");
        assertEquals(2, run(), output());
        assertEquals("port = 8000\n", Files.readString(managedFile()));
        assertTrue(Files.exists(config.stateDir().resolve("catalog.json")));
        assertEquals("\"e1\"", Files.readString(config.stateDir().resolve("catalog.etag")));
        Report sent = onlyReportSent();
        assertEquals(CatalogSource.FRESH, sent.catalogSource());
        assertEquals("v1", sent.catalogVersion());
        assertEquals(List.of(), queued());
    }

    @Test
    void a304ConvergesToTheCachedCatalogAndAsksWithItsEtag() throws Exception {
        firstGoodRun();
        Files.writeString(managedFile(), "port = 9999\n");
        master.stubFor(post(CATALOG_PATH).withHeader("If-None-Match", equalTo("\"e1\""))
                .willReturn(aResponse().withStatus(304).withHeader("ETag", "\"e1\"")));
        assertEquals(2, run(), output());
        assertEquals("port = 8000\n", Files.readString(managedFile()), "the drift is repaired from the cached catalog");
        Report sent = lastReportSent();
        assertEquals(CatalogSource.FRESH, sent.catalogSource(), "a 304 is the master's word that the cached catalog is current");
        assertEquals("unchanged since the last run (304)", sent.catalogSourceNote());
        assertTrue(sent.correctiveChange());
    }

    static Stream<Arguments> misbehaviours() {
        return Stream.of(
                Arguments.of("a timeout", aResponse().withStatus(200).withFixedDelay(4000).withBody("{}"), "timed out"),
                Arguments.of("a 500", aResponse().withStatus(500).withBody("{\"error\": \"NullPointerException\"}"),
                        "the master answered 500: NullPointerException"),
                Arguments.of("malformed catalog JSON", aResponse().withStatus(200).withHeader("ETag", "\"e2\"")
                        .withBody("{\"format_version\": 1, \"node\": \"web1.exa"), "the master sent an invalid catalog: "),
                Arguments.of("a closed connection mid-body", aResponse().withFault(Fault.MALFORMED_RESPONSE_CHUNK), "did not answer"),
                Arguments.of("a connection reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), "did not answer"),
                Arguments.of("a compile error", aResponse().withStatus(422).withBody("{\"error\": \"the manifests at abc (production)"
                        + " do not compile for web1.example.net\", \"details\": [\"roles/base.yaml:12:7: unknown attribute 'mod'\"]}"),
                        "the master answered 422: the manifests at abc (production) do not compile for web1.example.net"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("misbehaviours")
    void whateverGoesWrongTheAgentConvergesToItsLastGoodCatalogAndSaysWhy(String what, ResponseDefinitionBuilder answer,
                                                                             String why) throws Exception {
        firstGoodRun();
        Files.writeString(managedFile(), "port = 9999\n");
        master.stubFor(post(CATALOG_PATH).willReturn(answer));
        int status = run();
        assertEquals(2, status, output());
        assertEquals("port = 8000\n", Files.readString(managedFile()), "converged to the cached catalog");
        Report sent = lastReportSent();
        assertEquals(CatalogSource.CACHED, sent.catalogSource());
        assertTrue(sent.catalogSourceNote().contains(why), sent.catalogSourceNote());
        assertEquals("v1", sent.catalogVersion());
        assertTrue(output().contains("using the cached catalog: "), output());
        assertEquals("\"e1\"", Files.readString(config.stateDir().resolve("catalog.etag")), "the cache keeps the last good catalog");
        if (what.equals("a compile error")) {
            assertTrue(output().contains("  roles/base.yaml:12:7: unknown attribute 'mod'\n"), output());
        }
    }

    @Test
    void withoutACachedCatalogNothingIsChangedAndTheRunFailsWithTheReason() throws Exception {
        master.stubFor(post(CATALOG_PATH).willReturn(aResponse().withStatus(500).withBody("{\"error\": \"boom\"}")));
        assertEquals(1, run());
        assertEquals("kw-agent run: no catalog to apply: the master answered 500: boom; and there is no cached catalog yet\n",
                err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.notExists(managedFile()));
    }

    @Test
    void reportsWaitOnDiskWhileTheMasterIsDownAndArriveInRunOrder() throws Exception {
        firstGoodRun();
        master.resetAll();
        master.stubFor(post(CATALOG_PATH).willReturn(aResponse().withStatus(503).withBody("{\"error\": \"down\"}")));
        master.stubFor(post(REPORT_PATH).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        assertEquals(0, run(), output());
        Files.writeString(managedFile(), "drift\n");
        assertEquals(2, run(), output());
        assertEquals(2, queued().size(), "both reports wait");
        assertTrue(output().contains("report queued (2 waiting in " + config.stateDir().resolve("reports/queue") + ")"), output());

        master.resetAll();
        serve(catalog("v1", "port = 8000\n"), "\"e1\"");
        master.stubFor(post(REPORT_PATH).willReturn(aResponse().withStatus(202).withBody("{\"status\": \"stored\"}")));
        assertEquals(0, run(), output());
        List<Report> sent = reportsSent();
        assertEquals(3, sent.size());
        assertEquals(List.of(CatalogSource.CACHED, CatalogSource.CACHED, CatalogSource.FRESH),
                sent.stream().map(Report::catalogSource).toList());
        assertTrue(sent.get(0).start().isBefore(sent.get(1).start()) && sent.get(1).start().isBefore(sent.get(2).start()),
                "oldest first");
        assertTrue(sent.get(1).correctiveChange(), "the second offline run repaired the drift");
        assertEquals(List.of(), queued());
    }

    @Test
    void reportsGoCompressedAndAgainPlainToAMasterThatTakesThemOnlyPlain() throws Exception {
        serve(catalog("v1", "port = 8000\n"), "\"e1\"");
        assertEquals(2, run(), output());
        List<LoggedRequest> sent = master.findAll(postRequestedFor(urlEqualTo(REPORT_PATH)));
        assertEquals(1, sent.size());
        assertEquals("gzip", sent.get(0).getHeader("Content-Encoding"), "a tenth of the bytes for the master");

        // a master from before compressed reports reads the gzip bytes as JSON and refuses them
        master.resetAll();
        master.stubFor(post(REPORT_PATH).willReturn(aResponse().withStatus(202).withBody("{\"status\": \"stored\"}")));
        master.stubFor(post(REPORT_PATH).withHeader("Content-Encoding", equalTo("gzip"))
                .willReturn(aResponse().withStatus(400).withBody("{\"error\": \"the report is not valid: not JSON\"}")));
        serve(catalog("v1", "port = 8000\n"), "\"e1\"");
        assertEquals(0, run(), output());
        sent = master.findAll(postRequestedFor(urlEqualTo(REPORT_PATH)));
        assertEquals(2, sent.size());
        assertEquals("gzip", sent.get(0).getHeader("Content-Encoding"));
        assertEquals(null, sent.get(1).getHeader("Content-Encoding"), "sent again as plain JSON");
        assertEquals(NODE, ModelJson.readReport(sent.get(1).getBody(), "sent report").node());
        assertEquals(List.of(), queued());
        assertTrue(!Files.exists(config.stateDir().resolve("reports/rejected")), "nothing set aside");
    }

    @Test
    void aReportTheMasterRefusesForGoodIsSetAsideWithTheReason() throws Exception {
        serve(catalog("v1", "port = 8000\n"), "\"e1\"");
        master.stubFor(post(REPORT_PATH).willReturn(aResponse().withStatus(400).withBody("{\"error\": \"report.json: node: must not be blank\"}")));
        assertEquals(2, run(), output());
        assertEquals(List.of(), queued());
        Path rejected = config.stateDir().resolve("reports/rejected");
        try (Stream<Path> files = Files.list(rejected)) {
            List<Path> reasons = files.filter(p -> p.toString().endsWith(".reason")).toList();
            assertEquals(1, reasons.size());
            assertEquals("400 report.json: node: must not be blank\n", Files.readString(reasons.get(0)));
        }
        assertTrue(output().contains("the master refused 1 report(s); see " + rejected), output());
    }

    @Test
    void withJsonToStandardOutputTheReportIsAloneThereAndPeopleReadStandardError() throws Exception {
        serve(catalog("v1", "port = 8000\n"), "\"e1\"");
        out.reset();
        err.reset();
        Settings settings = new Settings(false, null, Settings.STANDARD_OUTPUT, Duration.ofSeconds(10), Duration.ofSeconds(10),
                MASTER_TIMEOUT, config.dpkgLockTimeout(), new MasterClient.Retry(2, Duration.ofMillis(10), Duration.ofMillis(50)));
        assertEquals(2, new PullRun(Host.local(), config, settings).once(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), output());
        assertEquals(onlyReportSent().runId(), ModelJson.readReport(out.toByteArray(), "stdout").runId());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Applied: 1 resources, 1 changed"), output());
    }

    @Test
    void aReportFileThatCannotBeWrittenStillLeavesTheReportWithTheMaster() throws Exception {
        serve(catalog("v1", "port = 8000\n"), "\"e1\"");
        out.reset();
        err.reset();
        Path unwritable = dir.resolve("no-such-directory/report.json");
        Settings settings = new Settings(false, null, unwritable, Duration.ofSeconds(10), Duration.ofSeconds(10),
                MASTER_TIMEOUT, config.dpkgLockTimeout(), new MasterClient.Retry(2, Duration.ofMillis(10), Duration.ofMillis(50)));
        assertEquals(2, new PullRun(Host.local(), config, settings).once(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), "the run's own exit code: " + output());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("kw-agent run: cannot write the report: "), output());
        assertEquals("port = 8000\n", Files.readString(managedFile()));
        onlyReportSent();
    }

    // --- helpers

    private void firstGoodRun() throws Exception {
        serve(catalog("v1", "port = 8000\n"), "\"e1\"");
        assertEquals(2, run(), output());
        master.resetAll();
        master.stubFor(post(REPORT_PATH).willReturn(aResponse().withStatus(202).withBody("{\"status\": \"stored\"}")));
    }

    private int run() throws Exception {
        out.reset();
        err.reset();
        Settings settings = new Settings(false, null, null, Duration.ofSeconds(10), Duration.ofSeconds(10),
                MASTER_TIMEOUT, config.dpkgLockTimeout(), new MasterClient.Retry(2, Duration.ofMillis(10), Duration.ofMillis(50)));
        return new PullRun(Host.local(), config, settings).once(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    private Path managedFile() {
        return dir.resolve("app.conf");
    }

    private byte[] catalog(String version, String content) {
        return catalog(NODE, version, managedFile(), content);
    }

    /** A catalog managing one file. */
    public static byte[] catalog(String node, String version, Path file, String content) {
        FileResource f = new FileResource(file.toString(), null, content, null, null, "0640", false);
        return ModelJson.writeBytes(new Catalog(1, node, "production", version,
                List.of(CatalogResource.of(f, false, List.of(), new Provenance("roles/app.yaml", 3, 5, "app", null))), List.of()));
    }

    private void serve(byte[] catalog, String etag) {
        master.stubFor(post(CATALOG_PATH).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("ETag", etag).withBody(catalog)));
    }

    private List<Report> reportsSent() throws Exception {
        List<Report> out = new ArrayList<>();
        for (LoggedRequest request : master.findAll(postRequestedFor(urlEqualTo(REPORT_PATH)))) {
            out.add(ModelJson.readReport(body(request), "sent report"));
        }
        return out;
    }

    /** The report as the agent wrote it, whether it went compressed or not. */
    private static byte[] body(LoggedRequest request) throws Exception {
        byte[] body = request.getBody();
        if (body.length > 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                return in.readAllBytes();
            }
        }
        return body;
    }

    private Report onlyReportSent() throws Exception {
        List<Report> sent = reportsSent();
        assertEquals(1, sent.size());
        return sent.get(0);
    }

    private Report lastReportSent() throws Exception {
        List<Report> sent = reportsSent();
        assertTrue(!sent.isEmpty(), "a report was sent");
        return sent.get(sent.size() - 1);
    }

    private List<Path> queued() throws Exception {
        Path queue = config.stateDir().resolve("reports/queue");
        if (!Files.isDirectory(queue)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(queue)) {
            return files.toList();
        }
    }
}
