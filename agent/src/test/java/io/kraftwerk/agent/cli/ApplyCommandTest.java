package io.kraftwerk.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kw-agent apply end to end, on files inside a temporary directory only. */
class ApplyCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return KwAgent.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path catalog(String content) throws Exception {
        Path file = dir.resolve("catalog.json");
        FileResource f = new FileResource(dir.resolve("app.conf").toString(), null, content, null, null, "0640", false);
        Catalog c = new Catalog(1, "n1.example.net", "production", "v1",
                List.of(CatalogResource.of(f, false, List.of(), new Provenance("roles/x.yaml", 1, 1, "x", null))), List.of());
        Files.write(file, ModelJson.writeBytes(c));
        return file;
    }

    @Test
    void convergesReportsAndIsIdempotent() throws Exception {
        Path catalog = catalog("port = 8000\n");
        String state = dir.resolve("state").toString();
        assertEquals(2, run("apply", catalog.toString(), "--state-dir", state));
        assertEquals("port = 8000\n", Files.readString(dir.resolve("app.conf")));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Applied: 1 resources, 1 changed"), out.toString());
        assertEquals(0, run("apply", catalog.toString(), "--state-dir", state));
        assertTrue(Files.exists(dir.resolve("state/reports/last_run.json")));
    }

    @Test
    void noopShowsTheDiffAndChangesNothing() throws Exception {
        Files.writeString(dir.resolve("app.conf"), "port = 9000\n");
        Path catalog = catalog("port = 8000\n");
        assertEquals(2, run("apply", catalog.toString(), "--noop", "--state-dir", dir.resolve("state").toString()));
        assertEquals("port = 9000\n", Files.readString(dir.resolve("app.conf")));
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("    -port = 9000\n    +port = 8000\n"), text);
        assertTrue(text.startsWith("would change"), text);
        assertFalse(Files.exists(dir.resolve("state/state.json")));
    }

    @Test
    void jsonToStandardOutputMovesTheHumanOutputToStandardError() throws Exception {
        Path catalog = catalog("x\n");
        assertEquals(2, run("apply", catalog.toString(), "--json", "-", "--state-dir", dir.resolve("state").toString()));
        Report report = ModelJson.readReport(out.toByteArray(), "stdout");
        assertEquals(1, report.metrics().changes());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Applied:"));
    }

    @Test
    void anInvalidCatalogChangesNothingAndSaysWhereItIsWrong() throws Exception {
        Path catalog = catalog("x\n");
        Files.writeString(catalog, Files.readString(catalog).replace("\"0640\"", "\"0999\""));
        assertEquals(1, run("apply", catalog.toString(), "--state-dir", dir.resolve("state").toString()));
        assertEquals(catalog + ": resources[0].resource.mode: must be an octal mode such as 0644 or 2750\n"
                + "kw-agent apply: the catalog is not valid; nothing was changed\n", err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(dir.resolve("app.conf")));
    }

    @Test
    void wrongUsageIsExit64WithTheReason() {
        assertEquals(64, run("apply"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kw-agent apply: missing the catalog file\nUsage:"));
        assertEquals(64, run("apply", "c.json", "--lock-timeout", "soon"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kw-agent apply: --lock-timeout takes a number of seconds, not 'soon'"));
        assertEquals(64, run("apply", "c.json", "--force"));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("kw-agent apply: unknown option '--force'"));
        assertEquals(0, run("apply", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("Exit status: 0 nothing to change"));
    }
}
