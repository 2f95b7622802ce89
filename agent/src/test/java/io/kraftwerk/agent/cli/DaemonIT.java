package io.kraftwerk.agent.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.kraftwerk.agent.client.SslFiles;
import io.kraftwerk.agent.client.TestPki;
import io.kraftwerk.agent.client.WireMockMaster;
import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.run.MisbehavingMasterTest;
import io.kraftwerk.agent.run.Schedule;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/kw-agent daemon: runs every interval in its slot, and stops gracefully on SIGTERM. */
class DaemonIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String NODE = "web1.example.net";

    @TempDir
    Path dir;

    @Test
    void runsEveryIntervalAndStopsOnSigterm() throws Exception {
        TestPki pki = new TestPki();
        WireMockServer master = WireMockMaster.start(pki, Files.createDirectories(dir.resolve("keys")));
        try {
            Path file = dir.resolve("app.conf");
            master.stubFor(post("/v1/catalogs/" + NODE).willReturn(aResponse().withStatus(200).withHeader("ETag", "\"e1\"")
                    .withBody(MisbehavingMasterTest.catalog(NODE, "v1", file, "port = 8000\n"))));
            master.stubFor(post("/v1/reports/" + NODE).willReturn(aResponse().withStatus(201).withBody("{\"status\": \"stored\"}")));
            Path state = dir.resolve("state");
            pki.writeNodeSsl(SslFiles.in(state), NODE);
            new AgentConfig(URI.create("https://localhost:" + master.httpsPort()), NODE, null, Duration.ofSeconds(2), state)
                    .save(dir.resolve("agent.yaml"));

            Process daemon = new ProcessBuilder(List.of(ROOT.resolve("bin/kw-agent").toString(), "daemon", "--config",
                    dir.resolve("agent.yaml").toString())).redirectErrorStream(true).start();
            // read as it comes, to the end of the output
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(daemon.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "(output unreadable: " + e + ")";
                }
            });
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (master.findAll(postRequestedFor(urlEqualTo("/v1/reports/" + NODE))).size() < 2 && daemon.isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50); // polling the fake master's journal for the second run's report
                }
                assertEquals(2, Math.min(2, master.findAll(postRequestedFor(urlEqualTo("/v1/reports/" + NODE))).size()),
                        "two runs reported");
                assertEquals("port = 8000\n", Files.readString(file));
                // SIGTERM, as systemd stops it (Process.destroy() would also close our end of its output)
                assertEquals(0, new ProcessBuilder("kill", "-TERM", String.valueOf(daemon.pid())).start().waitFor());
                assertTrue(daemon.waitFor(60, TimeUnit.SECONDS), "the daemon stops");
                String output = out.get(60, TimeUnit.SECONDS);
                assertTrue(output.startsWith("kw-agent daemon: " + NODE + " runs every 2s at "
                        + Schedule.offset(NODE, Duration.ofSeconds(2)) + " s into each interval\n"), output);
                assertTrue(output.contains("kw-agent daemon: run finished with status 2; next at "), output);
                assertTrue(output.contains("kw-agent daemon: run finished with status 0; next at "), output);
                assertTrue(output.strip().endsWith("kw-agent daemon: stopped"), output);
            } finally {
                daemon.destroyForcibly();
            }
        } finally {
            master.stop();
        }
    }
}
