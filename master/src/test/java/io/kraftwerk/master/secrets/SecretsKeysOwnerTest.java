package io.kraftwerk.master.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys made or retired by root belong to whoever owns the master's data directory: the master runs
 * as its own user and must read them. (Needs root to give files away, as the build's tests have.)
 */
class SecretsKeysOwnerTest {
    @TempDir
    Path tmp;

    @Test
    void keysRootMakesGoToTheDataDirectorysOwner() throws Exception {
        assumeTrue("root".equals(Files.getOwner(Files.createFile(tmp.resolve("probe"))).getName()), "only root can give files away");
        Path data = Files.createDirectory(tmp.resolve("data"));
        UserPrincipal nobody = data.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(data, nobody);
        SecretsKeys keys = new SecretsKeys(data.resolve("secrets"));
        SecretsKey first = keys.currentOrCreate();
        keys.rotate();
        keys.retire(first.id());
        for (Path made : List.of(data.resolve("secrets"), data.resolve("secrets/current"), data.resolve("secrets/" + keys.current().orElseThrow().id() + ".key"),
                data.resolve("secrets/retired"), data.resolve("secrets/retired/" + first.id() + ".key"))) {
            assertEquals("nobody", Files.getOwner(made, LinkOption.NOFOLLOW_LINKS).getName(), made.toString());
        }
    }

    @Test
    void aLinkPlantedWhereTheKeysGoIsRefusedNotFollowed() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"));
        Path elsewhere = Files.createDirectory(tmp.resolve("etc-update-motd.d"));
        Files.createSymbolicLink(data.resolve("secrets"), elsewhere);
        SecretsKeys keys = new SecretsKeys(data.resolve("secrets"));
        IOException e = assertThrows(IOException.class, keys::currentOrCreate);
        assertTrue(e.getMessage().contains("is not a directory (a link where it should be is refused)"), e.getMessage());
        try (Stream<Path> written = Files.list(elsewhere)) {
            assertEquals(List.of(), written.toList(), "nothing was written through the link");
        }
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(elsewhere)), "the link's target keeps its mode");

        // a link planted in place of a key file or 'current' is replaced, not written through
        Files.delete(data.resolve("secrets"));
        SecretsKey first = keys.currentOrCreate();
        Path target = Files.writeString(tmp.resolve("victim"), "untouched\n");
        Files.delete(data.resolve("secrets/current"));
        Files.createSymbolicLink(data.resolve("secrets/current"), target);
        keys.rotate();
        assertEquals("untouched\n", Files.readString(target));
        assertTrue(Files.isRegularFile(data.resolve("secrets/current"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(keys.byId(first.id()).isPresent());
    }
}
