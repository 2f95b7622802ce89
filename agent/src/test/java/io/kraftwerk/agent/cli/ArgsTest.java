package io.kraftwerk.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.config.AgentConfig;
import io.kraftwerk.agent.run.Settings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** One parser, one set of rules for run, apply, daemon and the short forms. */
class ArgsTest {
    private static final Set<String> VALUES = Set.of("--json", "--lock-timeout", "--environment", "--dpkg-lock-timeout");

    private static Settings settings(String... words) {
        return Args.parse(List.of(words), Args.RUN_FLAGS, VALUES).settings(null, null);
    }

    @Test
    void secondsArePlainDigitsUpToSevenOfThem() {
        assertEquals(Duration.ofSeconds(9_999_999), settings("--lock-timeout", "9999999").lockTimeout());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings("--lock-timeout", "10000000"));
        assertEquals("--lock-timeout takes a number of seconds, not '10000000'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> settings("--lock-timeout", "10m"));
    }

    /** The package's /etc/default/kw-agent shows an example of the daemon's options: it must be one the daemon takes. */
    @Test
    void theDaemonOptionsThePackageSuggestsAreAccepted() throws IOException {
        String defaults = Files.readString(Path.of("..", "packaging", "src", "deb", "kw-agent", "files", "etc", "default", "kw-agent"));
        Matcher example = Pattern.compile("Options for 'kw-agent daemon', e.g. \"([^\"]+)\"").matcher(defaults);
        assertTrue(example.find(), defaults);
        Settings given = Args.parse(List.of(example.group(1).split(" ")), Args.HELP, ScheduleCommand.VALUES).settings(null, null);
        assertEquals(Duration.ofSeconds(120), given.serviceTimeout());
    }

    @Test
    void aDashIsStandardOutputAndAFileIsMadeAbsolute() {
        assertEquals(Settings.STANDARD_OUTPUT, settings("--json", "-").json());
        assertEquals(Path.of("r.json").toAbsolutePath(), settings("--json", "r.json").json());
        assertEquals(null, settings().json());
    }

    @Test
    void defaultsAndTheLaterValueWins() {
        Settings s = settings("-n", "--lock-timeout", "5", "--lock-timeout", "7");
        assertTrue(s.noop());
        assertEquals(Duration.ofSeconds(7), s.lockTimeout());
        assertEquals(Settings.SERVICE_TIMEOUT, s.serviceTimeout());
        assertEquals(Settings.MASTER_TIMEOUT, s.masterTimeout());
    }

    @Test
    void agentYamlFillsWhatTheCommandLineLeft() {
        AgentConfig config = new AgentConfig(URI.create("https://master.example.net:8140"), "web1.example.net", "staging",
                Duration.ofMinutes(30), Path.of("/var/lib/kraftwerk"), Duration.ofSeconds(42));
        Settings fromConfig = settings().withConfig(config);
        assertEquals("staging", fromConfig.environment());
        assertEquals(Duration.ofSeconds(42), fromConfig.dpkgLockTimeout());
        Settings given = settings("--environment", "test", "--dpkg-lock-timeout", "3").withConfig(config);
        assertEquals("test", given.environment());
        assertEquals(Duration.ofSeconds(3), given.dpkgLockTimeout());
    }

    @Test
    void helpIsAnsweredOnceEveryWordIsKnown() {
        Args args = Args.parse(List.of("extra", "--help"), Args.RUN_FLAGS, VALUES);
        assertTrue(args.help());
        assertFalse(args.positional.isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Args.parse(List.of("--help", "--force"), Args.RUN_FLAGS, VALUES));
        assertThrows(IllegalArgumentException.class, () -> Args.parse(List.of("--help", "--json"), Args.RUN_FLAGS, VALUES));
    }
}
