package io.kraftwerk.agent.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.client.MasterClient;
import io.kraftwerk.agent.exec.CommandRunner;
import io.kraftwerk.agent.provider.ArtifactSource;
import io.kraftwerk.agent.provider.DataRestorer;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.report.CatalogSource;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run is told besides its catalog ends up in its output and its report. */
class ConvergenceTest {
    @TempDir
    Path dir;

    @Test
    void whatFactsDCouldNotGiveIsAWarningInTheOutputAndInTheReport() {
        String problem = "/etc/kraftwerk/facts.d/rack.yaml:2:1: not valid YAML: found duplicate key rack";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandRunner none = (argv, env, stdin) -> {
            throw new AssertionError("no commands expected: " + argv);
        };
        Settings settings = new Settings(true, null, null, Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(5),
                Duration.ofMinutes(5), MasterClient.Retry.standard());
        Convergence convergence = new Convergence(new Host(Clock.systemUTC(), dir, none, none), new AgentPaths(dir.resolve("state")),
                settings);
        Catalog empty = new Catalog(Catalog.FORMAT_VERSION, "n1.example.net", "production", "v1", List.of(), List.of());
        Report report = convergence.converge(empty, CatalogSource.FRESH, "", List.of(problem), ArtifactSource.NONE,
                DataRestorer.NONE, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(List.of(LogLine.Level.WARNING + " facts " + problem),
                report.logs().stream().map(l -> l.level() + " " + l.source() + " " + l.message()).toList());
        String output = out.toString(StandardCharsets.UTF_8);
        assertTrue(output.startsWith("warning: facts: " + problem + "\n"), output);
    }
}
