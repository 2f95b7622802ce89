package io.kraftwerk.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.PublicKeyLine;
import io.kraftwerk.master.secrets.SecretsKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code secrets rotate} also moves the site's secrets.pub to the new key, so lint keeps checking what the site holds. */
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
        Files.writeString(site.resolve("common.yaml"), "token: " + Envelope.encrypt("t", keys.current().orElseThrow(), new SecureRandom()) + "\n");
        Path pub = Files.writeString(tmp.resolve("site/secrets.pub"), "# our keys\n" + oldLine + "\n");

        assertEquals(0, run("secrets", "rotate", "--data-dir", data.toString(), "--manifests", tmp.resolve("site").toString()), err.toString());
        String newLine = PublicKeyLine.of(keys.current().orElseThrow());
        assertEquals("# our keys\n" + newLine + "\n", Files.readString(pub));
        assertTrue(out.toString().contains("which secrets.pub now lists"), out.toString());
    }
}
