package io.kraftwerk.master.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminTokenTest {
    @TempDir
    Path dir;

    @Test
    void aMadeTokenIs256RandomBitsIn0600FromTheStartAndNothingIsLeftBeside() throws Exception {
        Path file = dir.resolve("admin.token");
        String token = AdminToken.create(file);
        assertTrue(token.matches("[0-9a-f]{64}"), token);
        assertEquals(token + "\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(token, AdminToken.read(file));
        String rotated = AdminToken.create(file);
        assertTrue(!rotated.equals(token) && AdminToken.read(file).equals(rotated), "replaced");
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(file), left.toList(), "no temporary file stays");
        }
    }

    @Test
    void aMissingEmptyWeakOrReadableTokenIsRefusedSayingHowToMakeOne() throws Exception {
        Path file = dir.resolve("admin.token");
        String make = "'kw-master admin-token --data-dir " + dir + "'";
        String replace = "'kw-master admin-token --rotate --data-dir " + dir + "'";
        assertEquals("the admin token " + file + " is missing: make one with " + make,
                assertThrows(AdminToken.Unusable.class, () -> AdminToken.read(file)).getMessage());
        Files.writeString(file, " \n");
        assertEquals("the admin token " + file + " is empty: replace it with " + replace,
                assertThrows(AdminToken.Unusable.class, () -> AdminToken.read(file)).getMessage());
        Files.writeString(file, "changeme-changeme-changeme-changeme\n");
        assertEquals("the admin token in " + file + " is too weak (about 27 bits; at least 256 are needed, such as 64 random hex"
                + " digits): replace it with " + replace,
                assertThrows(AdminToken.Unusable.class, () -> AdminToken.read(file)).getMessage());
        Files.writeString(file, HexFormat.of().formatHex(new byte[24]) + "\n");
        assertThrows(AdminToken.Unusable.class, () -> AdminToken.read(file), "48 zeros");

        String good = AdminToken.create(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(assertThrows(AdminToken.Unusable.class, () -> AdminToken.read(file)).getMessage()
                .equals("the admin token " + file + " is readable or writable by others (mode rw-r--r--): consider it leaked and"
                        + " replace it with " + replace + " (it writes the new one 0600)"), good);
    }

    @Test
    void randomTokensOf32BytesPassAndShorterOrPatternedOnesDoNot() {
        Random random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String hex = HexFormat.of().formatHex(bytes);
            assertTrue(AdminToken.estimatedBits(hex) >= AdminToken.MIN_BITS, hex);
            assertTrue(AdminToken.estimatedBits(Base64.getEncoder().withoutPadding().encodeToString(bytes))
                    >= AdminToken.MIN_BITS);
            assertTrue(AdminToken.estimatedBits(hex.substring(0, 48)) < AdminToken.MIN_BITS, "24 bytes are not enough");
        }
        assertTrue(AdminToken.estimatedBits("0123456789abcdef".repeat(4)) < AdminToken.MIN_BITS, "a repeated unit");
        assertTrue(AdminToken.estimatedBits("ab".repeat(40)) < AdminToken.MIN_BITS);
        assertEquals(0, AdminToken.estimatedBits("a".repeat(100)));
    }
}
