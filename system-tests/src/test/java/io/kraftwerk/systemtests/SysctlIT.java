package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.SysctlResource;
import io.kraftwerk.testkit.DisposableNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * sysctl in a disposable node, on parameters of the node's own network namespace (so the host's
 * kernel settings are untouched): set now and kept for the next boot, drift repaired (someone ran
 * sysctl -w), noop says what it would change and changes nothing, absent removes the kept file.
 */
class SysctlIT {
    private static final String CONF = "/etc/sysctl.d/60-kraftwerk-net.core.somaxconn.conf";

    @Test
    void setKeptDriftRepairedAndRemoved() throws Exception {
        try (DisposableNode node = DisposableNode.start(Repo.SCRATCH, "tuned1.example.net", Repo.ROOT)) {
            Files.write(node.path("/root/present.json"), ModelJson.writeBytes(catalog(new SysctlResource("net.core.somaxconn",
                    Ensure.PRESENT, "1024"), new SysctlResource("net.ipv4.ip_local_port_range", Ensure.PRESENT, "1024 65000"))));
            DisposableNode.Result first = apply(node, "/root/present.json");
            assertEquals(2, first.exitCode(), first.stdout() + first.stderr());
            assertEquals("1024\n", read(node, "/proc/sys/net/core/somaxconn"));
            assertEquals("1024\t65000\n", read(node, "/proc/sys/net/ipv4/ip_local_port_range"));
            assertTrue(Files.readString(node.path(CONF)).endsWith("net.core.somaxconn = 1024\n"));
            assertEquals("root root 644\n", node.exec(List.of("stat", "-c", "%U %G %a", CONF)).orThrow().stdout());
            assertEquals(0, apply(node, "/root/present.json").exitCode(), "in sync the second time");

            // someone tunes it by hand: noop says so and leaves it; a run puts it back
            node.exec(List.of("sysctl", "-q", "-w", "net.core.somaxconn=4096")).orThrow();
            DisposableNode.Result noop = apply(node, "/root/present.json", "--noop");
            assertEquals(2, noop.exitCode(), noop.stdout());
            assertTrue(noop.stdout().contains("would change sysctl[net.core.somaxconn]: value '4096' -> '1024'"), noop.stdout());
            assertEquals("4096\n", read(node, "/proc/sys/net/core/somaxconn"), "noop changed nothing");
            DisposableNode.Result repaired = apply(node, "/root/present.json");
            assertEquals(2, repaired.exitCode(), repaired.stdout());
            assertTrue(repaired.stdout().contains("drift"), "a corrective change: " + repaired.stdout());
            assertEquals("1024\n", read(node, "/proc/sys/net/core/somaxconn"));

            Files.write(node.path("/root/absent.json"), ModelJson.writeBytes(catalog(new SysctlResource("net.core.somaxconn",
                    Ensure.ABSENT, null))));
            assertEquals(2, apply(node, "/root/absent.json").exitCode());
            assertFalse(Files.exists(node.path(CONF)), "no longer kept");
            assertEquals("1024\n", read(node, "/proc/sys/net/core/somaxconn"), "the value now is left until the next boot");
        }
    }

    private static DisposableNode.Result apply(DisposableNode node, String catalog, String... options) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Repo.agent(), "apply", catalog));
        argv.addAll(List.of(options));
        return node.exec(argv, Duration.ofMinutes(2));
    }

    private static String read(DisposableNode node, String path) throws Exception {
        return node.exec(List.of("cat", path)).orThrow().stdout();
    }

    private static Catalog catalog(SysctlResource... sysctls) {
        Provenance where = new Provenance("roles/tuning.yaml", 1, 1, "tuning", null);
        return new Catalog(Catalog.FORMAT_VERSION, "tuned1.example.net", "production", "sha256:tuned",
                Arrays.stream(sysctls).map(s -> CatalogResource.of(s, false, List.of(), where)).toList(), List.of());
    }
}
