package io.kraftwerk.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {
    @TempDir
    Path dir;

    private AgentConfig.ConfigException refused(String yaml) throws Exception {
        Path file = dir.resolve("agent.yaml");
        Files.writeString(file, yaml);
        return assertThrows(AgentConfig.ConfigException.class, () -> AgentConfig.load(file));
    }

    @Test
    void whatBootstrapWritesReadsBack() throws Exception {
        AgentConfig written = new AgentConfig(URI.create("https://master.example.net:8140"), "web1.example.net", "staging",
                Duration.ofMinutes(15), dir.resolve("state"));
        written.save(dir.resolve("agent.yaml"));
        assertEquals(written, AgentConfig.load(dir.resolve("agent.yaml")));
    }

    @Test
    void intervalsAreWrittenInTheLargestWholeUnit() {
        assertEquals("1h", AgentConfig.format(Duration.ofHours(1)));
        assertEquals("90m", AgentConfig.format(Duration.ofMinutes(90)));
        assertEquals("90s", AgentConfig.format(Duration.ofSeconds(90)));
    }

    @Test
    void defaultsForTheOptionalKeys() throws Exception {
        Files.writeString(dir.resolve("agent.yaml"), "server: https://m:8140\ncertname: n1.example.net\n");
        AgentConfig c = AgentConfig.load(dir.resolve("agent.yaml"));
        assertEquals(Duration.ofMinutes(30), c.runInterval());
        assertEquals(Path.of("/var/lib/kraftwerk"), c.stateDir());
        assertEquals(null, c.environment());
        assertEquals(Duration.ofMinutes(5), c.dpkgLockTimeout());
        Files.writeString(dir.resolve("agent.yaml"), "server: https://m:8140\ncertname: n1.example.net\ndpkg_lock_timeout: 20m\n");
        assertEquals(Duration.ofMinutes(20), AgentConfig.load(dir.resolve("agent.yaml")).dpkgLockTimeout());
    }

    @Test
    void eachMistakeNamesTheFileAndTheKey() throws Exception {
        Path f = dir.resolve("agent.yaml");
        assertEquals(f + ": unknown key 'sever' (known: server, certname, environment, run_interval, state_dir, dpkg_lock_timeout)",
                refused("sever: https://m\ncertname: n\n").getMessage());
        assertEquals(f + ": missing 'certname:'", refused("server: https://m:8140\n").getMessage());
        assertEquals(f + ": server: 'http://m:8140' must be an https:// URL such as https://master.example.net:8140",
                refused("server: http://m:8140\ncertname: n\n").getMessage());
        assertEquals(f + ": run_interval: '30 minutes' is not a duration such as 30m, 1h or 90s",
                refused("server: https://m\ncertname: n\nrun_interval: 30 minutes\n").getMessage());
        assertEquals(f + ": dpkg_lock_timeout: 'forever' is not a duration such as 30m, 1h or 90s",
                refused("server: https://m\ncertname: n\ndpkg_lock_timeout: forever\n").getMessage());
        assertEquals(dir.resolve("none.yaml") + " does not exist: run 'kw-agent bootstrap --server URL --certname NAME' first",
                assertThrows(AgentConfig.ConfigException.class, () -> AgentConfig.load(dir.resolve("none.yaml"))).getMessage());
    }
}
