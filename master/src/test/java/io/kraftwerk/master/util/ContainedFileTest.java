package io.kraftwerk.master.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file replaced under a root never through a link: a swapped directory or a planted link is refused. */
class ContainedFileTest {
    @TempDir
    Path tmp;

    @Test
    void aFileIsReplacedWithItsModeAndNothingIsLeftBeside() throws Exception {
        Path file = Files.writeString(Files.createDirectories(tmp.resolve("site/data")).resolve("common.yaml"), "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        ContainedFile.replace(tmp.resolve("site"), file, "new\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("new\n", Files.readString(file));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertEquals(1, left.count(), "no temporary file left");
        }
    }

    @Test
    void aDirectorySwappedForALinkIsNotFollowed() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        Path elsewhere = Files.createDirectories(tmp.resolve("etc"));
        Path victim = Files.writeString(elsewhere.resolve("common.yaml"), "root's file\n");
        Files.createSymbolicLink(site.resolve("data"), elsewhere);
        IOException e = assertThrows(IOException.class, () -> ContainedFile.replace(site, site.resolve("data/common.yaml"),
                "planted\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("is not a directory (a link is not followed)"), e.getMessage());
        assertEquals("root's file\n", Files.readString(victim));
    }

    @Test
    void aLinkInPlaceOfTheFileIsRefusedAndItsTargetKept() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site"));
        Path victim = Files.writeString(tmp.resolve("shadow"), "root's file\n");
        Files.createSymbolicLink(site.resolve("common.yaml"), victim);
        IOException e = assertThrows(IOException.class, () -> ContainedFile.replace(site, site.resolve("common.yaml"),
                "planted\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("is not a regular file"), e.getMessage());
        assertEquals("root's file\n", Files.readString(victim));
        assertThrows(IOException.class, () -> ContainedFile.replace(site, tmp.resolve("shadow"), new byte[0]), "not below the root");
    }
}
