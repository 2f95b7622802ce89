package io.kraftwerk.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.client.MasterClient;
import io.kraftwerk.agent.exec.CommandRunner;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.resource.FileResource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A masterless run driven without the command line: the clock, the root and the command runner are the test's. */
class FileRunTest {
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void aRunWorksUnderItsRootAtItsClocksTime() throws Exception {
        CommandRunner none = (argv, env, stdin) -> {
            throw new AssertionError("no commands expected: " + argv);
        };
        Host host = new Host(Clock.fixed(NOW, ZoneOffset.UTC), Files.createDirectories(dir.resolve("node/etc")).getParent(),
                none, none);
        FileResource conf = new FileResource("/etc/app.conf", null, "port = 8000\n", null, null, "0640", false);
        Catalog catalog = new Catalog(1, "n1.example.net", "production", "v1",
                List.of(CatalogResource.of(conf, false, List.of(), new Provenance("roles/x.yaml", 1, 1, "x", null))), List.of());
        Path file = Files.write(dir.resolve("catalog.json"), ModelJson.writeBytes(catalog));
        FileRun run = new FileRun(host, new AgentPaths(dir.resolve("state")), new Settings(false, null, dir.resolve("report.json"),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), MasterClient.Retry.standard()));

        assertEquals(2, run.run(file, print(out), print(err)), err.toString(StandardCharsets.UTF_8));
        assertEquals("port = 8000\n", Files.readString(dir.resolve("node/etc/app.conf")));
        Report report = ModelJson.readReport(Files.readAllBytes(dir.resolve("report.json")), "report.json");
        assertEquals(NOW, report.start());
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("changed      file[/etc/app.conf]: ensure 'absent' -> 'present'"),
                out.toString(StandardCharsets.UTF_8));
        assertEquals(0, run.run(file, print(out), print(err)), "the second run has nothing to do");
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
