package io.kraftwerk.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.model.json.ModelJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** bin/kw-agent runs the packaged jar. */
class KwAgentIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void printsThisHostsFactsAsJson() throws Exception {
        Process p = new ProcessBuilder(List.of(ROOT.resolve("bin/kw-agent").toString(), "facts")).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        JsonNode facts = ModelJson.mapper().readTree(output);
        assertEquals(Runtime.getRuntime().availableProcessors(), facts.at("/processors/count").asInt());
        assertTrue(facts.at("/os/id").isTextual());
        assertTrue(facts.at("/networking/addresses").isArray());
    }

    @Test
    void anUnknownCommandIsAUsageError() throws Exception {
        Process p = new ProcessBuilder(List.of(ROOT.resolve("bin/kw-agent").toString(), "converge")).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(64, p.exitValue());
        assertTrue(err.startsWith("kw-agent: unknown command 'converge'"), err);
    }
}
