package io.kraftwerk.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.PublicKeyLine;
import io.kraftwerk.master.secrets.SecretsKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code secrets rotate} also moves the site's secrets.pub to the new key, so lint keeps checking what
 * the site holds, and keeps each value's environments.
 */
class SecretsRotateSiteKeysTest extends CliTest {
    @TempDir
    Path tmp;

    @Test
    void rotationReplacesTheKeysOfSecretsPubAndKeepsItsComments() throws Exception {
        Path data = tmp.resolve("data");
        assertEquals(0, run("secrets", "public-key", "--data-dir", data.toString()));
        String oldLine = out.toString().strip();
        SecretsKeys keys = new SecretsKeys(data.resolve("secrets"));
        Path site = Files.createDirectories(tmp.resolve("site/data"));
        Path common = Files.writeString(site.resolve("common.yaml"), "token: " + Envelope.encrypt("t", keys.current().orElseThrow(),
                List.of("production"), new SecureRandom()) + "\n");
        Path pub = Files.writeString(tmp.resolve("site/secrets.pub"), "# our keys\n" + oldLine + "\n");

        assertEquals(0, run("secrets", "rotate", "--data-dir", data.toString(), "--manifests", tmp.resolve("site").toString()), err.toString());
        String newLine = PublicKeyLine.of(keys.current().orElseThrow());
        assertEquals("# our keys\n" + newLine + "\n", Files.readString(pub));
        assertTrue(out.toString().contains("which secrets.pub now lists"), out.toString());
        String rotated = Files.readString(common).substring("token: ".length()).strip();
        assertEquals(List.of("production"), Envelope.environments(rotated), "a value keeps its environments: " + rotated);
        assertEquals("t", Envelope.decrypt(rotated, keys.current().orElseThrow()));
    }

    @Test
    void rootRewritingAnOperatorsWorkingCopyLeavesItsFilesTheirs() throws Exception {
        assumeTrue("root".equals(Files.getOwner(Files.createFile(tmp.resolve("probe"))).getName()), "only root can give files away");
        Path data = tmp.resolve("data");
        assertEquals(0, run("secrets", "public-key", "--data-dir", data.toString()));
        SecretsKeys keys = new SecretsKeys(data.resolve("secrets"));
        Path site = Files.createDirectories(tmp.resolve("site/data"));
        Path common = Files.writeString(site.resolve("common.yaml"), "token: " + Envelope.encrypt("t", keys.current().orElseThrow(),
                new SecureRandom()) + "\n");
        UserPrincipal nobody = tmp.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(common, nobody);
        assertEquals(0, run("secrets", "rotate", "--data-dir", data.toString(), "--manifests", tmp.resolve("site").toString()), err.toString());
        assertEquals("nobody", Files.getOwner(common).getName());
        assertTrue(Files.readString(common).contains(keys.current().orElseThrow().id()), "and it was rewritten");
    }

    @Test
    void rotationKeepsEveryOtherByteOfAFileWhateverItsEncodingAndEncryptRefusesWhatIsNotText() throws Exception {
        Path data = tmp.resolve("data");
        assertEquals(0, run("secrets", "public-key", "--data-dir", data.toString()));
        SecretsKeys keys = new SecretsKeys(data.resolve("secrets"));
        Path site = Files.createDirectories(tmp.resolve("site/data"));
        byte[] latin1 = "# caf\u00e9, in ISO-8859-1\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] value = ("token: " + Envelope.encrypt("t", keys.current().orElseThrow(), new SecureRandom()) + "\n").getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(site.resolve("legacy.yaml"), concat(latin1, value));
        assertEquals(0, run("secrets", "rotate", "--data-dir", data.toString(), "--manifests", tmp.resolve("site").toString()), err.toString());
        byte[] rotated = Files.readAllBytes(file);
        assertEquals(new String(latin1, StandardCharsets.ISO_8859_1), new String(rotated, 0, latin1.length, StandardCharsets.ISO_8859_1),
                "the line before the value, byte for byte");

        Path binary = Files.write(tmp.resolve("keystore.p12"), new byte[] {0x30, (byte) 0x82, (byte) 0xff, (byte) 0xfe});
        assertEquals(1, run("secrets", "encrypt", "--data-dir", data.toString(), "--file", binary.toString()));
        assertTrue(err.toString().contains("is not UTF-8 text: encrypted values are text"), err.toString());
        assertEquals("", out.toString());

        assertEquals(1, run("secrets", "encrypt", "--data-dir", tmp.resolve("not-a-master").toString(), "--file", file.toString()));
        assertTrue(err.toString().contains("there is no secrets key in"), "encrypt makes no key of its own: " + err);
        assertTrue(!Files.exists(tmp.resolve("not-a-master/secrets")));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
