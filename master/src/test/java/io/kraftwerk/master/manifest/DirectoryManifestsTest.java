package io.kraftwerk.master.manifest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryManifestsTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryFileButHiddenOnesAndVersionsByContent() throws Exception {
        Files.createDirectories(dir.resolve("roles"));
        Files.createDirectories(dir.resolve(".git/objects"));
        Files.writeString(dir.resolve("site.yaml"), "a: 1\n");
        Files.writeString(dir.resolve("roles/web.yaml"), "b: 2\n");
        Files.writeString(dir.resolve(".git/objects/x"), "git internals\n");
        Files.writeString(dir.resolve("roles/.web.yaml.swp"), "editor swap\n");
        ManifestFiles files = DirectoryManifests.load(dir);
        assertEquals(Set.of("site.yaml", "roles/web.yaml"), files.files().keySet());
        assertTrue(files.version().matches("sha256:[0-9a-f]{64}"), files.version());
        assertEquals(files.version(), DirectoryManifests.load(dir).version());

        Files.writeString(dir.resolve("roles/web.yaml"), "b: 3\n");
        assertNotEquals(files.version(), DirectoryManifests.load(dir).version());
    }

    @Test
    void aMissingDirectoryIsAClearError() {
        ManifestException e = assertThrows(ManifestException.class, () -> DirectoryManifests.load(dir.resolve("nope")));
        assertEquals(dir.resolve("nope") + ": the manifests directory does not exist or is not a directory "
                + "(pass --manifests with the path of a directory that holds site.yaml)", e.getMessage());
    }
}
