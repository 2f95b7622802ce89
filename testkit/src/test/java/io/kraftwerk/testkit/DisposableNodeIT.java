package io.kraftwerk.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness itself: a node is isolated from the host and leaves nothing behind. */
class DisposableNodeIT {
    private static final Path SCRATCH = Path.of("target", "nodes");

    @Test
    void sharedHostDirectoriesAreVisibleReadOnlyEvenUnderTmp() throws Exception {
        Path shared = Files.createTempDirectory("kw-shared-");
        try {
            Files.writeString(shared.resolve("jar"), "built");
            try (DisposableNode node = DisposableNode.start(SCRATCH, "probe.example.net", shared)) {
                assertEquals("built", node.exec(List.of("cat", shared + "/jar")).orThrow().stdout());
                assertNotEquals(0, node.exec(List.of("sh", "-c", "echo x > " + shared + "/other")).exitCode(),
                        "a shared directory is read-only in the node");
                assertFalse(Files.exists(shared.resolve("other")));
            }
        } finally {
            DisposableNode.deleteTree(shared);
        }
    }

    @Test
    void changesInANodeStayInItsLayer() throws Exception {
        Path layer;
        try (DisposableNode node = DisposableNode.start(SCRATCH, "probe.example.net")) {
            layer = node.changes();
            node.exec(List.of("useradd", "--system", "kw-probe-user")).orThrow();
            node.exec(List.of("sh", "-c", "echo node > /etc/kw-probe")).orThrow();
            assertEquals("probe.example.net\n", node.exec(List.of("hostname")).orThrow().stdout());
            assertTrue(node.exec(List.of("cat", "/proc/1/cmdline")).orThrow().stdout().contains("kw-node-init"),
                    "the node has its own PID namespace with its own init");
            assertTrue(Files.exists(node.path("/etc/kw-probe")));
            assertTrue(Files.exists(layer.resolve("etc/kw-probe")));
            assertFalse(Files.exists(Path.of("/etc/kw-probe")), "the host must not see the node's files");
            assertEquals(0, node.exec(List.of("getent", "passwd", "kw-probe-user")).exitCode());
            assertEquals(2, new ProcessBuilder("getent", "passwd", "kw-probe-user").start().waitFor(),
                    "the user exists in the node only");
            String links = node.exec(List.of("ip", "-o", "link")).orThrow().stdout();
            assertEquals(1, links.lines().count(), "only loopback: " + links);
        }
        assertFalse(Files.exists(layer), "the node's layer is deleted on close");
    }
}
