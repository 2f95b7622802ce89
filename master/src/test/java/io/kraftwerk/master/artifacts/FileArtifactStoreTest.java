package io.kraftwerk.master.artifacts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileArtifactStoreTest {
    private static final String WHEEL = "kwhello-1.0.0-py3-none-any.whl";
    private static final Clock LATER = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private FileArtifactStore store() {
        return new FileArtifactStore(dir.resolve("artifacts"), 1024, LATER);
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aFileIsKeptUnderItsDigestWithAnEntryThatNamesItsRelease() throws Exception {
        ArtifactStore.Added added = store().add(WHEEL, bytes("wheel bytes"), null);
        String digest = sha256("wheel bytes");
        assertTrue(added.added());
        assertEquals(new StoredArtifact(digest, WHEEL, "kwhello", "1.0.0", 11, Instant.parse("2026-03-01T10:00:00Z")),
                added.artifact());
        Path blob = dir.resolve("artifacts/sha256/" + digest.substring(0, 2) + "/" + digest);
        assertArrayEquals("wheel bytes".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(blob));
        assertTrue(Files.exists(dir.resolve("artifacts/index/" + digest + ".json")));
        assertEquals(List.of(added.artifact()), store().snapshot().artifacts(), "another store on the same folder lists it");
        try (InputStream in = store().open(added.artifact())) {
            assertEquals("wheel bytes", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of(), leftInTmp(), "nothing is left of the upload");
    }

    @Test
    void addingTheSameBytesAgainChangesNothingButOtherBytesUnderAStoredNameAreRefused() throws Exception {
        FileArtifactStore store = store();
        StoredArtifact first = store.add(WHEEL, bytes("one"), null).artifact();
        String revision = store.snapshot().revision();
        ArtifactStore.Added again = store.add(WHEEL, bytes("one"), sha256("one"));
        assertFalse(again.added());
        assertEquals(first, again.artifact());
        assertEquals(revision, store.snapshot().revision());

        ArtifactException rebuilt = assertThrows(ArtifactException.class, () -> store.add(WHEEL, bytes("two"), null));
        assertEquals(ArtifactException.Kind.CONFLICT, rebuilt.kind());
        assertEquals(WHEEL + " is already stored with other bytes (sha256 " + first.sha256() + "); a release's files never"
                + " change: give the new build a new version", rebuilt.getMessage());
        assertEquals(List.of(first), store.snapshot().artifacts());
        assertEquals(List.of(), leftInTmp());
    }

    @Test
    void aDigestThatDiffersFromTheOneSentOrAFileTooLargeKeepsNothing() throws Exception {
        FileArtifactStore store = store();
        ArtifactException mismatch = assertThrows(ArtifactException.class, () -> store.add(WHEEL, bytes("sent"), "0".repeat(64)));
        assertEquals(ArtifactException.Kind.BAD_REQUEST, mismatch.kind());
        assertEquals(WHEEL + " arrived with SHA-256 " + sha256("sent") + ", not the " + "0".repeat(64) + " it was sent with;"
                + " it was not stored (send it again)", mismatch.getMessage());
        ArtifactException large = assertThrows(ArtifactException.class, () -> store.add(WHEEL, bytes("x".repeat(1025)), null));
        assertEquals(ArtifactException.Kind.TOO_LARGE, large.kind());
        assertEquals(List.of(), store.snapshot().artifacts());
        assertEquals(List.of(), leftInTmp());
        assertFalse(Files.exists(dir.resolve("artifacts/sha256")), "no file was placed");
    }

    @Test
    void namesThatAreNotAWheelOrSourceArchiveOrThatArePathsAreRefused() {
        for (String name : List.of("../kwhello-1.0.0-py3-none-any.whl", "/etc/passwd", "sub/kwhello-1.0.0.tar.gz", ".hidden-1.0.tar.gz",
                "kwhello-1.0.0.exe", "kwhello.whl", "kwhello-1.0.0-py3-any.whl", "kwhello-1.0.0\n.tar.gz", "")) {
            ArtifactException refused = assertThrows(ArtifactException.class, () -> store().add(name, bytes("x"), null), name);
            assertEquals(ArtifactException.Kind.BAD_REQUEST, refused.kind(), name);
        }
        assertEquals("'../kwhello-1.0.0-py3-none-any.whl' is not a file name: give the name alone, without a directory, such as"
                + " kwhello-1.0.0-py3-none-any.whl", assertThrows(ArtifactException.class,
                        () -> DistributionFile.parse("../kwhello-1.0.0-py3-none-any.whl")).getMessage());
        assertEquals("'kwhello-1.0.0.exe' is not the file name of a wheel (NAME-VERSION-PYTHON-ABI-PLATFORM.whl, PEP 427) or a"
                + " source archive (NAME-VERSION.tar.gz or .zip); keep the name pip wheel or python -m build gave it",
                assertThrows(ArtifactException.class, () -> DistributionFile.parse("kwhello-1.0.0.exe")).getMessage());
    }

    @Test
    void wheelsAndSourceArchivesNameTheirReleaseWithTheNameNormalised() throws Exception {
        assertEquals(new DistributionFile("Shop_App-1.4.0-1-cp311-cp311-manylinux_2_17_x86_64.whl", "shop-app", "1.4.0"),
                DistributionFile.parse("Shop_App-1.4.0-1-cp311-cp311-manylinux_2_17_x86_64.whl"));
        assertEquals(new DistributionFile("shop.utils-0.9.1.tar.gz", "shop-utils", "0.9.1"), DistributionFile.parse("shop.utils-0.9.1.tar.gz"));
        assertEquals(new DistributionFile("old-style-name-2.0rc1.zip", "old-style-name", "2.0rc1"),
                DistributionFile.parse("old-style-name-2.0rc1.zip"));
    }

    @Test
    void aRemovedFileIsNeitherListedNorKeptAndTheRevisionSaysSo() throws Exception {
        FileArtifactStore store = store();
        StoredArtifact kept = store.add(WHEEL, bytes("kept"), null).artifact();
        StoredArtifact gone = store.add("kwhello-0.9.0-py3-none-any.whl", bytes("gone"), null).artifact();
        String before = store.snapshot().revision();
        store.remove(gone);
        assertEquals(List.of(kept), store.snapshot().artifacts());
        assertNotEquals(before, store.snapshot().revision());
        assertFalse(Files.exists(store.blob(gone.sha256())));
    }

    @Test
    void aMasterSeesWhatTheCommandLineAddedBesideIt() throws Exception {
        FileArtifactStore master = new FileArtifactStore(dir.resolve("artifacts"), 1024, Clock.systemUTC());
        master.add("kwblog-2.3.1-py3-none-any.whl", bytes("blog"), null);
        // the index last changed a while ago, so the master keeps what it read of it
        Path index = dir.resolve("artifacts/index");
        Files.setLastModifiedTime(index, FileTime.from(Instant.now().minus(Duration.ofMinutes(1))));
        assertEquals(1, master.snapshot().artifacts().size());
        assertEquals(master.snapshot(), master.snapshot());
        new FileArtifactStore(dir.resolve("artifacts"), 1024, Clock.systemUTC()).add(WHEEL, bytes("hello"), null);
        assertEquals(List.of("kwblog", "kwhello"), master.snapshot().artifacts().stream().map(StoredArtifact::name).toList());
    }

    private List<Path> leftInTmp() throws Exception {
        Path tmp = dir.resolve("artifacts/tmp");
        if (!Files.exists(tmp)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(tmp)) {
            return files.toList();
        }
    }
}
