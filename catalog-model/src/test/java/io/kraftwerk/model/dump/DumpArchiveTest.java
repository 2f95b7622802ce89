package io.kraftwerk.model.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import io.kraftwerk.model.json.ModelJson;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DumpArchiveTest {
    @TempDir
    Path tmp;

    private final Map<String, ByteArrayOutputStream> staged = new HashMap<>();

    @Test
    void whatIsWrittenReadsBackPartByPartWithTheManifestFirst() throws Exception {
        byte[] archive = archive();
        DumpManifest read = DumpArchive.read(new ByteArrayInputStream(archive), "hello.kwdump", this::stage);
        assertEquals(manifest(), read);
        assertArrayEquals(uploads(), staged.get("data_dir/uploads.tar").toByteArray());
        assertArrayEquals(database(), staged.get("database/hello.pgdump").toByteArray());
    }

    /** The agent has GNU tar write the archive (kw-agent data dump): this reader reads what it writes. */
    @Test
    void anArchiveGnuTarWroteFromTheStagedPartsReadsTheSame() throws Exception {
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        Files.createDirectories(staging.resolve("data_dir"));
        Files.createDirectories(staging.resolve("database"));
        Files.write(staging.resolve("data_dir/uploads.tar"), uploads());
        Files.write(staging.resolve("database/hello.pgdump"), database());
        Files.write(staging.resolve(DumpArchive.MANIFEST), ModelJson.writeBytes(manifest()));
        Path archive = tmp.resolve("hello.kwdump");
        Process tar = new ProcessBuilder("tar", "--create", "--file=" + archive, "--directory=" + staging, "--format=gnu", "--no-recursion",
                "--owner=0", "--group=0", "--numeric-owner", "--mode=0600", "--mtime=@1796637600", "--", DumpArchive.MANIFEST,
                "data_dir/uploads.tar", "database/hello.pgdump").inheritIO().start();
        assertEquals(0, tar.waitFor());
        assertEquals(manifest(), DumpArchive.read(Files.newInputStream(archive), "hello.kwdump", this::stage));
        assertArrayEquals(database(), staged.get("database/hello.pgdump").toByteArray());
    }

    @Test
    void aChangedByteInAPartIsRefusedNamingThePart() throws Exception {
        byte[] archive = archive();
        int at = indexOf(archive, "INSERT 42".getBytes(StandardCharsets.US_ASCII));
        archive[at + 7] = '3';
        DumpFormatException e = assertThrows(DumpFormatException.class,
                () -> DumpArchive.read(new ByteArrayInputStream(archive), "hello.kwdump", this::stage));
        assertTrue(e.getMessage().startsWith("hello.kwdump: database/hello.pgdump has SHA-256 "), e.getMessage());
        assertTrue(e.getMessage().endsWith("the archive was changed or damaged after it was made"), e.getMessage());
    }

    @Test
    void anArchiveCutShortIsRefused() throws Exception {
        byte[] archive = archive();
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> DumpArchive.read(
                new ByteArrayInputStream(Arrays.copyOf(archive, 1536)), "hello.kwdump", this::stage));
        assertTrue(e.getMessage().contains("cut short"), e.getMessage());
    }

    @Test
    void anEntryTheManifestDoesNotListOrALinkIsRefused() throws Exception {
        DumpManifest manifest = manifest();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpArchive.write(out, manifest, this::file);
        byte[] extra = rewrite(out.toByteArray(), tar -> {
            TarArchiveEntry link = new TarArchiveEntry("data_dir/evil", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("/etc/shadow");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
        });
        DumpFormatException e = assertThrows(DumpFormatException.class,
                () -> DumpArchive.read(new ByteArrayInputStream(extra), "x.kwdump", this::stage));
        assertEquals("x.kwdump: a symbolic link 'data_dir/evil' follows the parts its manifest lists: the archive is not the one"
                + " its manifest describes", e.getMessage());
    }

    @Test
    void somethingElseIsNotADump() {
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> DumpArchive.read(
                new ByteArrayInputStream("hello\n".repeat(200).getBytes(StandardCharsets.US_ASCII)), "notes.txt", this::stage));
        assertTrue(e.getMessage().startsWith("notes.txt is not"), e.getMessage());
    }

    @Test
    void aManifestNamingAFileOutsideItsPlaceIsRefusedBeforeAnyPartIsRead() throws Exception {
        String json = new String(archiveManifestJson(), StandardCharsets.UTF_8).replace("data_dir/uploads.tar", "../../etc/passwd");
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> DumpArchive.manifest(
                json.getBytes(StandardCharsets.UTF_8), "x.kwdump"));
        assertTrue(e.getMessage().contains("a part's file is data_dir/NAME.tar or database/NAME.pgdump"), e.getMessage());
    }

    private byte[] archiveManifestJson() {
        return ModelJson.writeBytes(manifest());
    }

    private interface TarEdit {
        void apply(TarArchiveOutputStream tar) throws IOException;
    }

    /** The archive's entries, then more: a tar writer's end marker is two zero blocks, which this rewrites after the edit. */
    private static byte[] rewrite(byte[] archive, TarEdit edit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(archive));
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                tar.putArchiveEntry(entry);
                in.transferTo(tar);
                tar.closeArchiveEntry();
            }
            edit.apply(tar);
        }
        return out.toByteArray();
    }

    private OutputStream stage(DumpPart part) {
        return staged.computeIfAbsent(part.file(), f -> new ByteArrayOutputStream());
    }

    private byte[] archive() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpArchive.write(out, manifest(), this::file);
        return out.toByteArray();
    }

    private Path file(DumpPart part) {
        try {
            return Files.write(tmp.resolve(part.name() + "-" + part.kind()), part.kind() == DumpPart.Kind.DATA_DIR ? uploads() : database());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DumpManifest manifest() {
        return new DumpManifest(1, "web1.example.net", "hello", Instant.parse("2026-12-07T10:00:00Z"), DumpManifest.CONSISTENT, List.of(
                new DumpPart(DumpPart.Kind.DATA_DIR, "uploads", "/srv/hello/data/uploads", "data_dir/uploads.tar", uploads().length,
                        sha(uploads())),
                new DumpPart(DumpPart.Kind.DATABASE, "hello", "hello", "database/hello.pgdump", database().length, sha(database()))));
    }

    private static byte[] uploads() {
        return "photo bytes\n".repeat(100).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] database() {
        return "PGDMP ... INSERT 42 ...".getBytes(StandardCharsets.US_ASCII);
    }

    private static String sha(byte[] bytes) {
        return HexFormat.of().formatHex(DumpArchive.sha256().digest(bytes));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
