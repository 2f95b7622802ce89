package io.kraftwerk.agent.provider.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.model.resource.DataDirResource;
import io.kraftwerk.model.resource.DirectoryResource;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.FileResource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileProvidersTest {
    @TempDir
    Path root;

    private RecordingContext context() {
        return new RecordingContext(root);
    }

    @Test
    void createsUpdatesWithABackupAndThenIsInSync() throws Exception {
        RecordingContext ctx = context();
        FileProvider provider = new FileProvider();
        Files.createDirectories(root.resolve("etc"));
        FileResource motd = new FileResource("/etc/motd", null, "hello\n", "root", "root", "0640", false);
        List<Change> create = Diff.changes(provider.desired(motd), provider.observe(motd, ctx));
        assertEquals(List.of("ensure"), create.stream().map(Change::property).toList());
        provider.apply(motd, create, ctx);
        assertEquals("hello\n", Files.readString(root.resolve("etc/motd")));
        assertEquals(List.of(), Diff.changes(provider.desired(motd), provider.observe(motd, ctx)));

        FileResource updated = new FileResource("/etc/motd", null, "bye\n", "root", "root", "0644", false);
        List<Change> update = Diff.changes(provider.desired(updated), provider.observe(updated, ctx));
        assertEquals(List.of("content", "mode"), update.stream().map(Change::property).toList());
        provider.apply(updated, update, ctx);
        assertEquals("bye\n", Files.readString(root.resolve("etc/motd")));
        assertEquals("0644", ctx.fs().stat(root.resolve("etc/motd")).mode());
        List<Path> backups = ctx.backups().list("/etc/motd");
        assertEquals(1, backups.size());
        assertEquals("hello\n", Files.readString(backups.get(0)));
        assertEquals(List.of(), ctx.commands, "files need no commands");
    }

    @Test
    void aSensitiveFileIsNeverBackedUpSoAnOldSecretDoesNotOutliveItsRotation() throws Exception {
        RecordingContext ctx = context();
        FileProvider provider = new FileProvider();
        Files.createDirectories(root.resolve("etc/app"));
        Files.writeString(root.resolve("etc/app/token"), "old-s3cret\n");
        FileResource token = new FileResource("/etc/app/token", null, "new-s3cret\n", "root", "root", "0600", true);
        provider.apply(token, Diff.changes(provider.desired(token), provider.observe(token, ctx)), ctx);
        assertEquals("new-s3cret\n", Files.readString(root.resolve("etc/app/token")));
        assertEquals(List.of(), ctx.backups().list("/etc/app/token"));
        FileResource gone = new FileResource("/etc/app/token", Ensure.ABSENT, null, null, null, null, true);
        provider.apply(gone, Diff.changes(provider.desired(gone), provider.observe(gone, ctx)), ctx);
        assertEquals(List.of(), ctx.backups().list("/etc/app/token"), "nor when it is removed");
    }

    @Test
    void specialModeBitsAreSetToo() throws Exception {
        RecordingContext ctx = context();
        Files.createDirectories(root.resolve("srv/shared"));
        DataDirResource dir = new DataDirResource("/srv/shared", null, null, null, "2770", false);
        DataDirProvider provider = new DataDirProvider();
        provider.apply(dir, Diff.changes(provider.desired(dir), provider.observe(dir, ctx)), ctx);
        assertEquals("2770", ctx.fs().stat(root.resolve("srv/shared")).mode());
        assertEquals(List.of(), Diff.changes(provider.desired(dir), provider.observe(dir, ctx)));
        assertEquals(List.of(), ctx.commands, "no chmod(1), which would follow a link");
    }

    @Test
    void neverReplacesADirectoryWithAFile() throws Exception {
        Files.createDirectories(root.resolve("etc/conf"));
        FileProvider provider = new FileProvider();
        FileResource file = new FileResource("/etc/conf", null, "x", null, null, null, false);
        RecordingContext ctx = context();
        ProviderException e = assertThrows(ProviderException.class,
                () -> provider.apply(file, Diff.changes(provider.desired(file), provider.observe(file, ctx)), ctx));
        assertEquals("/etc/conf is a directory; Kraftwerk does not replace it with a file (remove it by hand, or manage it"
                + " as a directory)", e.getMessage());
    }

    @Test
    void removesStaleTempsAKilledRunLeft() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/.kw-tmp.motd.0123456789ab"), "half");
        Files.writeString(root.resolve("etc/.kw-tmp.motd.d.0123456789ab"), "another file's");
        new FileProvider().tidy(List.of(new FileResource("/etc/motd", null, "x", null, null, null, false)), context());
        assertFalse(Files.exists(root.resolve("etc/.kw-tmp.motd.0123456789ab")));
        assertTrue(Files.exists(root.resolve("etc/.kw-tmp.motd.d.0123456789ab")));
    }

    @Test
    void aNonEmptyDirectoryIsOnlyRemovedWithForce() throws Exception {
        Files.createDirectories(root.resolve("srv/old/sub"));
        DirectoryProvider provider = new DirectoryProvider();
        DirectoryResource gently = new DirectoryResource("/srv/old", Ensure.ABSENT, null, null, null, false);
        RecordingContext ctx = context();
        ProviderException e = assertThrows(ProviderException.class,
                () -> provider.apply(gently, Diff.changes(provider.desired(gently), provider.observe(gently, ctx)), ctx));
        assertEquals("/srv/old is not empty; it is kept (set force: true to remove it with everything in it)", e.getMessage());
        DirectoryResource forced = new DirectoryResource("/srv/old", Ensure.ABSENT, null, null, null, true);
        provider.apply(forced, Diff.changes(provider.desired(forced), provider.observe(forced, ctx)), ctx);
        assertFalse(Files.exists(root.resolve("srv/old")));
    }

    @Test
    void aDataDirIsNeverDeletedWithoutPurge() throws Exception {
        Files.createDirectories(root.resolve("srv/app/data/uploads"));
        Files.writeString(root.resolve("srv/app/data/uploads/photo.jpg"), "precious");
        DataDirProvider provider = new DataDirProvider();
        RecordingContext ctx = context();
        DataDirResource retire = new DataDirResource("/srv/app/data/uploads", Ensure.ABSENT, null, null, null, false);
        assertEquals(List.of(), Diff.changes(provider.desired(retire), provider.observe(retire, ctx)));
        assertEquals(List.of("WARNING data_dir[/srv/app/data/uploads]: ensure: absent without purge: true; "
                + "/srv/app/data/uploads and its data are kept (add purge: true to delete them)"), ctx.log);
        DataDirResource purge = new DataDirResource("/srv/app/data/uploads", Ensure.ABSENT, null, null, null, true);
        provider.apply(purge, Diff.changes(provider.desired(purge), provider.observe(purge, ctx)), ctx);
        assertFalse(Files.exists(root.resolve("srv/app/data/uploads")));
    }
}
