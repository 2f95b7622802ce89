package io.kraftwerk.agent.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.exec.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactsCollectorTest {
    @TempDir
    Path root;

    private final List<List<String>> commands = new ArrayList<>();

    private final CommandRunner runner = (argv, env, stdin) -> {
        commands.add(argv);
        if (argv.get(0).endsWith("python3")) {
            return new CommandResult(argv, 0, "Python 3.11.2\n", "");
        }
        return new CommandResult(argv, 0, "", "nginx version: nginx/1.22.1\n");
    };

    @Test
    void readsTheNodeFromItsFileSystem() throws Exception {
        write("etc/os-release", "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n"
                + "VERSION_CODENAME=bookworm\n");
        write("proc/sys/kernel/hostname", "web1.example.net\n");
        write("proc/sys/kernel/osrelease", "6.1.0-28-amd64\n");
        write("proc/meminfo", "MemTotal:        4005888 kB\nMemFree: 1 kB\n");
        executable("usr/bin/python3");
        executable("usr/sbin/nginx");
        Map<String, Object> facts = new FactsCollector(root, runner).collect();
        assertEquals("web1", facts.get("hostname"));
        assertEquals("web1.example.net", facts.get("fqdn"));
        assertEquals(Map.of("id", "debian", "version_id", "12", "codename", "bookworm",
                "pretty_name", "Debian GNU/Linux 12 (bookworm)"), facts.get("os"));
        assertEquals(Map.of("name", "Linux", "release", "6.1.0-28-amd64"), facts.get("kernel"));
        assertEquals(Map.of("total_bytes", 4005888L * 1024), facts.get("memory"));
        assertEquals(Map.of("installed", true, "version", "3.11.2"), facts.get("python3"));
        assertEquals(Map.of("installed", true, "version", "1.22.1"), facts.get("nginx"));
        assertEquals(Map.of("installed", false), facts.get("runit"));
        assertEquals(List.of(List.of(root.resolve("usr/bin/python3").toString(), "--version"),
                List.of(root.resolve("usr/sbin/nginx").toString(), "-v")), commands);
    }

    @Test
    void missingToolsAreReportedAbsentWithoutRunningAnything() {
        Map<String, Object> facts = new FactsCollector(root, runner).collect();
        Map<?, ?> nginx = (Map<?, ?>) facts.get("nginx");
        assertEquals(false, nginx.get("installed"));
        assertTrue(nginx.containsKey("version") && nginx.get("version") == null);
        assertEquals(List.of(), commands);
    }

    @Test
    void mapsJavaArchitecturesToDebianOnes() {
        assertEquals("amd64", FactsCollector.debianArchitecture("amd64"));
        assertEquals("arm64", FactsCollector.debianArchitecture("aarch64"));
    }

    @Test
    void writesIpv6AddressesTheShortWay() {
        assertEquals("::1", FactsCollector.canonical("0:0:0:0:0:0:0:1"));
        assertEquals("fd00::2", FactsCollector.canonical("fd00:0:0:0:0:0:0:2"));
        assertEquals("fe80::1:0:0:2", FactsCollector.canonical("fe80:0:0:0:1:0:0:2"));
        assertEquals("2001:db8:0:1:1:1:1:1", FactsCollector.canonical("2001:db8:0:1:1:1:1:1"));
        assertEquals("10.0.0.11", FactsCollector.canonical("10.0.0.11"));
    }

    private void write(String relative, String content) throws Exception {
        Files.createDirectories(root.resolve(relative).getParent());
        Files.writeString(root.resolve(relative), content);
    }

    private void executable(String relative) throws Exception {
        write(relative, "#!/bin/sh\n");
        Files.setPosixFilePermissions(root.resolve(relative), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
