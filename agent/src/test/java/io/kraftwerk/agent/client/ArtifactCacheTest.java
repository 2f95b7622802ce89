package io.kraftwerk.agent.client;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.resource.ArtifactRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is verified in the cache is installed as root: a cache others can write into is refused. */
class ArtifactCacheTest {
    @TempDir
    Path tmp;

    private static final ArtifactRef WHEEL = new ArtifactRef("kwhello", "1.0.0", "kwhello-1.0.0-py3-none-any.whl", "ab".repeat(32), 3L);

    @Test
    void aStateDirectoryOthersCanWriteIsRefused() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxrwxrwx"));
        ArtifactCache cache = new ArtifactCache(state.resolve("artifacts"));
        IOException refused = assertThrows(IOException.class, () -> cache.createFolder(WHEEL));
        assertTrue(refused.getMessage().contains("no one else can write"), refused.getMessage());
        assertThrows(IOException.class, () -> cache.verified(WHEEL));
    }

    @Test
    void aCacheThatIsALinkIsRefused() throws Exception {
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(state.resolve("artifacts"), elsewhere);
        ArtifactCache cache = new ArtifactCache(state.resolve("artifacts"));
        IOException refused = assertThrows(IOException.class, () -> cache.createFolder(WHEEL));
        assertTrue(refused.getMessage().contains("a link"), refused.getMessage());
    }
}
