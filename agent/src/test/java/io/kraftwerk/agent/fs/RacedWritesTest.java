package io.kraftwerk.agent.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.agent.provider.files.FileProvider;
import io.kraftwerk.model.resource.FileResource;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local user who owns a directory holding a managed file tries to make the agent (root) write,
 * chown, chmod or read another file: a link or hard link planted at the path, a link swapped in
 * between observe and apply, a link in place of a directory on the way. The target stays as it
 * was and the resource fails with the reason. (Run as root, like the agent; "nobody" plays the user.)
 */
class RacedWritesTest {
    private static final byte[] SECRET = "root:$y$j9T$not-for-alice:19000:0:99999:7:::\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path root;

    private RecordingContext ctx;
    private Path shadow;
    private final FileProvider files = new FileProvider();

    @BeforeEach
    void aUserOwnsHomeAliceAndRootOwnsAShadowCopy() throws Exception {
        ctx = new RecordingContext(root);
        shadow = Files.createDirectories(root.resolve("etc")).resolve("shadow");
        Files.write(shadow, SECRET);
        Files.setPosixFilePermissions(shadow, PosixFilePermissions.fromString("rw-r-----"));
        Path home = Files.createDirectories(root.resolve("home/alice"));
        UserPrincipal alice = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(home, alice);
        Files.createDirectories(root.resolve("root/.ssh"));
    }

    private void assertShadowUntouched() throws Exception {
        assertArrayEquals(SECRET, Files.readAllBytes(shadow));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(shadow)));
        assertEquals("root", Files.getOwner(shadow).getName());
    }

    private static FileResource notes(String mode) {
        return new FileResource("/home/alice/notes.txt", null, "hello\n", "nobody", null, mode, false);
    }

    @Test
    void aLinkPlantedAtTheManagedPathIsNeitherFollowedNorReplaced() throws Exception {
        Files.createSymbolicLink(root.resolve("home/alice/notes.txt"), shadow);
        List<Change> changes = Diff.changes(files.desired(notes("0644")), files.observe(notes("0644"), ctx));
        ProviderException refused = assertThrows(ProviderException.class, () -> files.apply(notes("0644"), changes, ctx));
        assertEquals(root.resolve("home/alice/notes.txt") + " is a symbolic link in " + root.resolve("home/alice")
                + ", which nobody owns; Kraftwerk neither follows nor replaces it, since someone may have planted it (remove it,"
                + " or manage a path in a directory only root can write)", refused.getMessage());
        assertTrue(Files.isSymbolicLink(root.resolve("home/alice/notes.txt")));
        assertShadowUntouched();
    }

    @Test
    void aLinkSwappedInBetweenObserveAndApplyIsNotFollowed() throws Exception {
        Path notes = root.resolve("home/alice/notes.txt");
        Files.writeString(notes, "old\n");
        Files.setPosixFilePermissions(notes, PosixFilePermissions.fromString("rw-rw-rw-"));
        List<Change> changes = Diff.changes(files.desired(notes("0600")), files.observe(notes("0600"), ctx));
        assertEquals(List.of("content", "owner", "mode"), changes.stream().map(Change::property).toList());
        Files.delete(notes);
        Files.createSymbolicLink(notes, shadow);
        assertThrows(ProviderException.class, () -> files.apply(notes("0600"), changes, ctx));
        assertShadowUntouched();

        // only the mode and owner differ: they are not set through the link either
        Files.delete(notes);
        Files.writeString(notes, "hello\n");
        List<Change> attributes = Diff.changes(files.desired(notes("0600")), files.observe(notes("0600"), ctx));
        assertEquals(List.of("owner", "mode"), attributes.stream().map(Change::property).toList());
        Files.delete(notes);
        Files.createSymbolicLink(notes, shadow);
        ProviderException refused = assertThrows(ProviderException.class, () -> files.apply(notes("0600"), attributes, ctx));
        assertTrue(refused.getMessage().contains("is a symbolic link in " + root.resolve("home/alice")), refused.getMessage());
        assertShadowUntouched();
    }

    @Test
    void aHardLinkToAnotherFileIsNotReadNorChanged() throws Exception {
        Path copy = root.resolve("home/alice/notes.txt");
        Files.createLink(copy, shadow);
        ProviderException refused = assertThrows(ProviderException.class, () -> files.observe(notes("0644"), ctx));
        assertEquals(copy + " has 2 hard links and is in " + root.resolve("home/alice") + ", which nobody owns: it may be"
                + " another file's, so Kraftwerk does not read or change it (remove the other links, or manage a path in a"
                + " directory only root can write)", refused.getMessage());
        assertThrows(ProviderException.class, () -> ctx.fs().setMode(copy, "0666"));
        assertThrows(ProviderException.class, () -> ctx.fs().setOwnership(copy, "nobody", null));
        assertShadowUntouched();
    }

    @Test
    void aDirectoryOnTheWaySwappedForALinkIsNotFollowed() throws Exception {
        Files.createSymbolicLink(root.resolve("home/alice/.ssh"), root.resolve("root/.ssh"));
        FileResource keys = new FileResource("/home/alice/.ssh/authorized_keys", null, "ssh-ed25519 AAAA alice\n", "nobody",
                null, "0600", false);
        PinnedDirectory.Untrusted refused = assertThrows(PinnedDirectory.Untrusted.class, () -> files.observe(keys, ctx));
        assertEquals(root.resolve("home/alice/.ssh") + " is a symbolic link in " + root.resolve("home/alice") + ", which nobody"
                + " owns; Kraftwerk does not follow links that others could change (on the way to "
                + root.resolve("home/alice/.ssh/authorized_keys") + ")", refused.getMessage());
        assertThrows(PinnedDirectory.Untrusted.class, () -> ctx.fs().writeAtomically(root.resolve("home/alice/.ssh/authorized_keys"),
                "x".getBytes(StandardCharsets.UTF_8), "nobody", null, "0600"));
        assertFalse(Files.exists(root.resolve("root/.ssh/authorized_keys"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void inADirectoryOnlyRootCanWriteALinkIsReplacedAndLinksOnTheWayAreFollowed() throws Exception {
        Files.createDirectories(root.resolve("usr/lib/app"));
        Files.createSymbolicLink(root.resolve("lib"), root.resolve("usr/lib"));
        Path config = root.resolve("etc/app.conf");
        Files.createSymbolicLink(config, shadow);
        ctx.fs().writeAtomically(config, "port = 1\n".getBytes(StandardCharsets.UTF_8), "root", "root", "0644");
        assertFalse(Files.isSymbolicLink(config));
        assertEquals("port = 1\n", Files.readString(config));
        assertShadowUntouched();

        ctx.fs().writeAtomically(root.resolve("lib/app/x.conf"), "x\n".getBytes(StandardCharsets.UTF_8), null, null, "4755");
        assertEquals("4755", ctx.fs().stat(root.resolve("usr/lib/app/x.conf")).mode());
    }

    @Test
    void specialBitsAreNotSetInADirectoryOthersCanWrite() throws Exception {
        ProviderException refused = assertThrows(ProviderException.class, () -> ctx.fs().writeAtomically(
                root.resolve("home/alice/tool"), new byte[0], "root", "root", "4755"));
        assertEquals("mode 4755 for " + root.resolve("home/alice/tool") + ": setuid, setgid and sticky bits are not set in "
                + root.resolve("home/alice") + ", which nobody owns (manage the path in a directory only root can write)",
                refused.getMessage());
        assertFalse(Files.exists(root.resolve("home/alice/tool")));
    }

    @Test
    void aFileOfItsOwnInAUsersDirectoryIsManagedAsUsual() throws Exception {
        List<Change> create = Diff.changes(files.desired(notes("0640")), files.observe(notes("0640"), ctx));
        files.apply(notes("0640"), create, ctx);
        assertEquals("hello\n", Files.readString(root.resolve("home/alice/notes.txt")));
        assertEquals(new FsEntry(FsEntry.Type.FILE, "nobody", "root", "0640", 1), ctx.fs().stat(root.resolve("home/alice/notes.txt")));
        assertEquals(List.of(), Diff.changes(files.desired(notes("0640")), files.observe(notes("0640"), ctx)));
    }

    @Test
    void aFileTheUserGrewIsNotReadIntoMemory() throws Exception {
        Path big = root.resolve("home/alice/notes.txt");
        try (RandomAccessFile file = new RandomAccessFile(big.toFile(), "rw")) {
            file.setLength(4L * 1024 * 1024 * 1024); // sparse: 4 GiB that take no disk
        }
        ProviderException refused = assertThrows(ProviderException.class, () -> ctx.fs().read(big));
        assertEquals(big + " is larger than the 65536 KiB Kraftwerk reads of it; remove or shrink it (no content Kraftwerk"
                + " manages is that large)", refused.getMessage());
        assertEquals("hi\n", new String(ctx.fs().read(writeSmall(root.resolve("home/alice/small.txt"))), StandardCharsets.UTF_8),
                "a small file in the user's directory is read, on the helper thread");
    }

    private static Path writeSmall(Path file) throws Exception {
        return Files.writeString(file, "hi\n");
    }
}
