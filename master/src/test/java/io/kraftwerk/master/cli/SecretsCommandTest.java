package io.kraftwerk.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.SecretsKey;
import io.kraftwerk.master.secrets.SecretsKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kw-master secrets}: the key made once and kept private, values encrypted to it or to its public half. */
class SecretsCommandTest extends CliTest {
    @TempDir
    Path tmp;


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

    @Test
    void rotationReencryptsEveryValueToTheNewKeyAndKeepsTheOldOne() throws Exception {
        Path data = tmp.resolve("data");
        assertEquals(0, run("secrets", "public-key", "--data-dir", data.toString()));
        String oldId = out.toString().strip().split(" ")[2];
        SecretsKeys keys = new SecretsKeys(data.resolve("secrets"));
        Path site = Files.createDirectories(tmp.resolve("site/data"));
        String a = Envelope.encrypt("alpha", keys.current().orElseThrow(), new SecureRandom());
        String b = Envelope.encrypt("beta\nline two", keys.current().orElseThrow(), new SecureRandom());
        Path common = Files.writeString(site.resolve("common.yaml"), "# kept as is\nhello:\n  secret_key: " + a
                + "\n  greeting: Hello\npager: \"" + b + "\"\n");
        Path plain = Files.writeString(site.resolve("plain.yaml"), "nothing: here\n");

        assertEquals(0, run("secrets", "rotate", "--data-dir", data.toString(), "--manifests", tmp.resolve("site").toString()),
                err.toString());
        String newId = keys.current().orElseThrow().id();
        assertNotEquals(oldId, newId);
        assertTrue(out.toString().startsWith("re-encrypted 2 value(s) in 1 file(s) to key " + newId + "; key " + oldId
                + " stays for decryption"), out.toString());
        String rotated = Files.readString(common);
        Matcher m = Envelope.PATTERN.matcher(rotated);
        List<String> values = new ArrayList<>();
        while (m.find()) {
            assertEquals(newId, m.group(2));
            values.add(Envelope.decrypt(m.group(), keys.current().orElseThrow()));
        }
        assertEquals(List.of("alpha", "beta\nline two"), values);
        assertEquals("# kept as is\nhello:\n  secret_key: X\n  greeting: Hello\npager: \"X\"\n",
                Envelope.PATTERN.matcher(rotated).replaceAll("X"), "only the values changed");
        assertEquals("nothing: here\n", Files.readString(plain));
        assertTrue(keys.byId(oldId).isPresent(), "the old key stays until retired");
    }

    @Test
    void aValueNoKeyOpensStopsTheRotationBeforeAnythingChanges() throws Exception {
        Path data = tmp.resolve("data");
        assertEquals(0, run("secrets", "public-key", "--data-dir", data.toString()));
        String oldId = out.toString().strip().split(" ")[2];
        String foreign = Envelope.encrypt("x", SecretsKey.generate(new SecureRandom()),
                new SecureRandom());
        Path site = Files.createDirectories(tmp.resolve("site/roles"));
        Path role = Files.writeString(site.resolve("app.yaml"), "a: 1\nb: " + foreign + "\n");
        assertEquals(1, run("secrets", "rotate", "--data-dir", data.toString(), "--manifests", tmp.resolve("site").toString()));
        assertTrue(err.toString().startsWith("kw-master secrets rotate: roles/app.yaml:2: the value is encrypted to key "),
                err.toString());
        assertTrue(err.toString().contains("(no file was changed)"));
        assertEquals("a: 1\nb: " + foreign + "\n", Files.readString(role));
        assertEquals(oldId, new SecretsKeys(data.resolve("secrets")).current().orElseThrow().id(), "and no new key");
    }

    @Test
    void retiringRefusesTheCurrentKeyAndAKeyStillInUseAndOtherwiseMovesItWhereNoValueOpensWithIt() throws Exception {
        Path data = tmp.resolve("data");
        SecretsKeys keys = new SecretsKeys(data.resolve("secrets"));
        SecretsKey old = keys.currentOrCreate();
        String value = Envelope.encrypt("s3cret", old, new SecureRandom());
        Path site = Files.createDirectories(tmp.resolve("site/data"));
        StringBuilder many = new StringBuilder("# values\n");
        for (int i = 0; i < 11; i++) {
            many.append("v").append(i).append(": ").append(Envelope.encrypt("v" + i, old, new SecureRandom())).append("\n");
        }
        Files.writeString(site.resolve("common.yaml"), many);
        Files.createDirectories(tmp.resolve("site/.github"));
        Files.writeString(tmp.resolve("site/.github/ci.yaml"), "token: " + value + "\n");
        Files.createDirectories(tmp.resolve("site/.git"));
        Files.writeString(tmp.resolve("site/.git/ORIG_HEAD"), value);
        String middle = keys.rotate().id();

        assertEquals(1, run("secrets", "retire", middle, "--data-dir", data.toString(), "--force"));
        assertEquals("kw-master secrets retire: key " + middle + " is the current key, which new values are encrypted to: rotate"
                + " first (kw-master secrets rotate --manifests WORKING_COPY), then retire it\n", err.toString());

        String manifests = tmp.resolve("site").toString();
        assertEquals(1, run("secrets", "retire", old.id(), "--data-dir", data.toString(), "--manifests", manifests));
        assertTrue(err.toString().startsWith("kw-master secrets retire: key " + old.id() + " still decrypts 12 value(s):"
                + " .github/ci.yaml:1, data/common.yaml:2, data/common.yaml:3, "), err.toString());
        assertTrue(err.toString().contains(", data/common.yaml:10 and 2 more (re-encrypt them with kw-master secrets rotate"),
                err.toString());
        assertTrue(keys.byId(old.id()).isPresent(), "still there");

        assertEquals(0, run("secrets", "rotate", "--data-dir", data.toString(), "--manifests", manifests), err.toString());
        String current = keys.current().orElseThrow().id();
        assertEquals(value, Files.readString(tmp.resolve("site/.git/ORIG_HEAD")), "nothing of .git is touched");
        assertEquals(0, run("secrets", "retire", old.id(), "--data-dir", data.toString(), "--manifests", manifests), err.toString());
        Path retired = data.resolve("secrets/retired/" + old.id() + ".key");
        assertTrue(out.toString().startsWith("retired key " + old.id() + ": values encrypted to it no longer decrypt. Its file is now "
                + retired + " (0600): moving it back undoes this, deleting it destroys the key for good."), out.toString());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(retired.getParent())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(retired)));
        assertTrue(keys.byId(old.id()).isEmpty(), "a value encrypted to it no longer opens");

        assertEquals(0, run("secrets", "retire", middle, "--data-dir", data.toString(), "--force"), err.toString());
        assertEquals(0, run("secrets", "keys", "--data-dir", data.toString()), err.toString());
        List<String> retiredIds = new ArrayList<>(List.of(old.id(), middle));
        retiredIds.sort(null);
        assertEquals(current + "  current\n" + retiredIds.get(0) + "  retired\n" + retiredIds.get(1) + "  retired\n", out.toString());
    }

    @Test
    void retiringAKeyTheStoreDoesNotHaveNamesTheOnesItHas() throws Exception {
        Path data = tmp.resolve("data");
        SecretsKeys keys = new SecretsKeys(data.resolve("secrets"));
        String first = keys.currentOrCreate().id();
        String second = keys.rotate().id();
        List<String> ids = new ArrayList<>(List.of(first, second));
        ids.sort(null);
        assertEquals(1, run("secrets", "retire", "0123456789abcdef", "--data-dir", data.toString(), "--force"));
        assertEquals("kw-master secrets retire: there is no key 0123456789abcdef in " + keys.dir() + "; its keys are "
                + ids.get(0) + ", " + ids.get(1) + "\n", err.toString());
        assertEquals(0, run("secrets", "retire", first, "--data-dir", data.toString(), "--force"));
        assertEquals(1, run("secrets", "retire", first, "--data-dir", data.toString(), "--force"));
        assertEquals("kw-master secrets retire: key " + first + " is already retired\n", err.toString());
        assertEquals(2, run("secrets", "retire", second, "--data-dir", data.toString()), "--manifests or --force, one of them");
        assertEquals(2, run("secrets", "retire", second, "--data-dir", data.toString(), "--force", "--manifests", tmp.toString()));
        assertEquals(0, run("secrets", "keys", "--data-dir", data.toString()));
        assertEquals(second + "  current\n" + first + "  retired\n", out.toString());
    }
}
