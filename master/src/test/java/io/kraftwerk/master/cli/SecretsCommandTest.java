package io.kraftwerk.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.SecretsKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kw-master secrets}: the key made once and kept private, values encrypted to it or to its public half. */
class SecretsCommandTest {
    @TempDir
    Path tmp;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = KwMaster.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void theKeyIsMadeOncePrivateAndValuesEncryptedToItOpenWithIt() throws Exception {
        Path data = tmp.resolve("data");
        assertEquals(0, run("secrets", "public-key", "--data-dir", data.toString()), err.toString());
        String publicKey = out.toString().strip();
        assertTrue(publicKey.startsWith("kraftwerk-secrets-key KW1 "), publicKey);
        assertTrue(err.toString().contains("made the master's secrets key"), err.toString());
        Path dir = data.resolve("secrets");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        String id = publicKey.split(" ")[2];
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(id + ".key"))));
        assertEquals(0, run("secrets", "public-key", "--data-dir", data.toString()));
        assertEquals(publicKey, out.toString().strip(), "the same key the next time");
        assertEquals("", err.toString());

        Path value = Files.writeString(tmp.resolve("pager.token"), "tok-9f1e\n");
        Path line = Files.writeString(tmp.resolve("master.pub"), publicKey + "\n");
        assertEquals(0, run("secrets", "encrypt", "--public-key", line.toString(), "--file", value.toString()), err.toString());
        String sealed = out.toString().strip();
        assertEquals(id, Envelope.keyId(sealed));
        assertEquals("tok-9f1e\n", Envelope.decrypt(sealed, new SecretsKeys(dir).byId(id).orElseThrow()), "a file, byte for byte");
        assertTrue(!out.toString().contains("tok-9f1e") && !err.toString().contains("tok-9f1e"));
    }

    @Test
    void aValueIsNeverTakenFromTheCommandLine() {
        int status = run("secrets", "encrypt", "--data-dir", tmp.toString(), "s3cret");
        assertNotEquals(0, status);
        assertTrue(err.toString().contains("Unmatched argument"), err.toString());
        assertTrue(!Files.exists(tmp.resolve("secrets")), "nothing was made for it");
    }
}
