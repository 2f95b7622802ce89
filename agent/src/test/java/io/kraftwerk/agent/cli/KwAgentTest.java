package io.kraftwerk.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promised short forms: {@code kw-agent [OPTIONS]} is {@code kw-agent run [OPTIONS]}, with the
 * same output and exit status, and the usage is printed only when asked for. (A converging run of
 * the short forms against a real master is in PackageIT, on the packaged agent in a disposable node.)
 */
class KwAgentTest {
    @TempDir
    Path dir;

    private static CliAnswer kwAgent(String... args) {
        return CliAnswer.of(args);
    }

    private static CliAnswer asRun(String... args) {
        List<String> withRun = new ArrayList<>(List.of("run"));
        withRun.addAll(List.of(args));
        return kwAgent(withRun.toArray(String[]::new));
    }

    @Test
    void theShortFormsAnswerAsRunDoes() throws Exception {
        Path missing = dir.resolve("missing.yaml");
        Path broken = Files.writeString(dir.resolve("agent.yaml"), "server: https://master.example.net:8140\ncertnam: web1\n");
        List<String[]> cases = List.of(
                new String[] {"--noop", "--config", missing.toString()},
                new String[] {"--config", missing.toString()},
                new String[] {"-n", "--config", broken.toString()},
                new String[] {"--config", broken.toString(), "--noop"},
                new String[] {"--noop", "--lock-timeout", "soon"},
                new String[] {"--noop", "--bogus"});
        for (String[] args : cases) {
            CliAnswer shortForm = kwAgent(args);
            CliAnswer run = asRun(args);
            assertEquals(run, shortForm, "kw-agent " + String.join(" ", args));
            assertTrue(shortForm.status() == 1 || shortForm.status() == KwAgent.EXIT_USAGE, shortForm.toString());
            assertFalse(shortForm.err().isEmpty(), "a failed run says why");
        }
        assertTrue(kwAgent("--noop", "--config", missing.toString()).err().contains(missing + " does not exist"));
        assertTrue(kwAgent("--config", broken.toString()).err().contains("certnam"), "the config's wrong key is named");
    }

    @Test
    void usageOnlyWhenAskedFor() {
        for (String help : List.of("--help", "-h", "help")) {
            CliAnswer answer = kwAgent(help);
            assertEquals(0, answer.status());
            assertTrue(answer.out().startsWith("Usage: kw-agent [--noop]"), answer.out());
        }
        assertEquals(asRun("--help"), kwAgent("--noop", "--help"), "a run option with --help is run's help");
        CliAnswer unknown = kwAgent("converge");
        assertEquals(KwAgent.EXIT_USAGE, unknown.status());
        assertTrue(unknown.err().startsWith("kw-agent: unknown command 'converge'"), unknown.err());
    }

    @Test
    void releasesAndRollbackSayWhatIsMissing() throws Exception {
        CliAnswer noApp = kwAgent("releases");
        assertEquals(KwAgent.EXIT_USAGE, noApp.status());
        assertTrue(noApp.err().startsWith("kw-agent releases: missing the app's name"), noApp.err());
        CliAnswer wrongOption = kwAgent("releases", "hello", "--to", "abc");
        assertEquals(KwAgent.EXIT_USAGE, wrongOption.status());
        assertTrue(wrongOption.err().contains("--to is for kw-agent rollback"), wrongOption.err());

        CliAnswer none = kwAgent("releases", "hello", "--state-dir", dir.toString());
        assertEquals(1, none.status());
        assertTrue(none.err().contains("this node has no releases of 'hello'"), none.err());
        CliAnswer nothingToRollBackTo = kwAgent("rollback", "hello", "--state-dir", dir.toString(), "--lock-timeout", "1");
        assertEquals(1, nothingToRollBackTo.status(), nothingToRollBackTo.toString());
        assertTrue(nothingToRollBackTo.err().contains("no releases of 'hello' to roll back to"), nothingToRollBackTo.err());
        assertTrue(kwAgent("--help").out().contains("rollback  switch an app back to a kept release"));
    }
}
