package io.kraftwerk.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.PublicKeyLine;
import io.kraftwerk.master.secrets.SecretsKeys;
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
}
