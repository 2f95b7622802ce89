package io.kraftwerk.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.Golden;
import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.SecretsKey;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code kw-master compile} and {@code lint} on a site with encrypted values: lint needs no private
 * key, compile prints [sensitive] unless root asks with --show-secrets.
 */
class SecretsInCompileCommandsTest extends CliTest {
    @TempDir
    Path tmp;

    /** A master's data directory holding the example site's key, as a master serving it has. */
    private Path masterWithExampleKey() throws IOException {
        Path secrets = Files.createDirectories(tmp.resolve("master/secrets"));
        try (Stream<Path> keys = Files.list(Path.of("..", "examples", "secrets-key"))) {
            for (Path key : keys.filter(p -> p.toString().endsWith(".key")).toList()) {
                Files.copy(key, secrets.resolve(key.getFileName()));
            }
        }
        return tmp.resolve("master");
    }

    /** Runs compile as a user with the given id. */
    private int compileAs(int uid, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        CommandLine cli = KwMaster.commandLine();
        ((CompileCommand) cli.getSubcommands().get("compile").getCommand()).uid = () -> uid;
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(Stream.concat(Stream.of("compile"), Stream.of(args)).toArray(String[]::new));
    }

    @Test
    void compilePrintsSensitiveInsteadOfDecryptedValuesUnlessRootAsks() throws Exception {
        String data = masterWithExampleKey().toString();
        String site = Golden.exampleSite().toString();
        assertEquals(0, compileAs(0, "--manifests", site, "--node", "lb1.example.net", "--data-dir", data), err.toString());
        assertTrue(out.toString().contains("\"content\": \"[sensitive]\""), out.toString());
        assertFalse(out.toString().contains("PRIVATE KEY"), "the TLS key is not printed");

        assertEquals(0, compileAs(0, "--manifests", site, "--node", "lb1.example.net", "--data-dir", data, "--show-secrets"), err.toString());
        assertTrue(out.toString().contains("-----BEGIN PRIVATE KEY-----"), "root asked: the catalog as the node gets it");

        assertEquals(KwMaster.EXIT_USAGE, compileAs(1000, "--manifests", site, "--node", "lb1.example.net", "--data-dir", data,
                "--show-secrets"));
        assertEquals("", out.toString());
        assertTrue(err.toString().contains("--show-secrets prints decrypted values, which only root on the master may see"), err.toString());
    }

    @Test
    void compileWithoutTheKeysChecksAgainstSecretsPubAndStillShowsNoValue() {
        assertEquals(0, compileAs(1000, "--manifests", Golden.exampleSite().toString(), "--node", "lb1.example.net",
                "--data-dir", tmp.resolve("no-master").toString()), err.toString());
        assertTrue(out.toString().contains("\"content\": \"[sensitive]\""), out.toString());
    }

    @Test
    void lintChecksKeyIdsAgainstSecretsPubWithoutAnyPrivateKey() throws Exception {
        Path site = copyOfExampleSite();
        Path common = site.resolve("data/common.yaml");
        SecretsKey stranger = SecretsKey.generate(new SecureRandom());
        String foreign = Envelope.encrypt("pager-token-of-another-master", stranger, new SecureRandom());
        Files.writeString(common, Files.readString(common).replaceAll("pager_token: ENC\\[[^]]+]", "pager_token: " + foreign));

        assertEquals(KwMaster.EXIT_MANIFEST_ERRORS, run("lint", "--manifests", site.toString()));
        assertTrue(err.toString().contains("data/common.yaml:14:18: the value is encrypted to key " + stranger.id()
                + ", which secrets.pub does not list (it lists ab336546d2c0054f)"), err.toString());
        assertFalse(out.toString().contains("pager-token") || err.toString().contains("pager-token"));

        Files.delete(site.resolve("secrets.pub"));
        assertEquals(0, run("lint", "--manifests", site.toString()), err.toString());
        String ids = stranger.id().compareTo("ab336546d2c0054f") < 0 ? stranger.id() + ", ab336546d2c0054f"
                : "ab336546d2c0054f, " + stranger.id();
        assertTrue(out.toString().contains("encrypted values: to key " + ids + "; only their form was checked: add secrets.pub"),
                out.toString());

        Files.writeString(common, Files.readString(common).replace(foreign, foreign.substring(0, 40) + "]"));
        assertEquals(KwMaster.EXIT_MANIFEST_ERRORS, run("lint", "--manifests", site.toString()));
        assertTrue(err.toString().contains("data/common.yaml:14:18: the value's payload is cut short"), err.toString());
    }

    @Test
    void aValueEncryptedForAnotherEnvironmentIsRefusedByLintToo() throws Exception {
        Path site = copyOfExampleSite();
        Path value = Files.writeString(tmp.resolve("value"), "staging-pager-token");
        assertEquals(0, run("secrets", "encrypt", "--public-key", site.resolve("secrets.pub").toString(), "--file", value.toString(),
                "--environment", "staging"), err.toString());
        String staging = out.toString().strip();
        assertTrue(staging.startsWith("ENC[KW1,ab336546d2c0054f,staging,"), staging);
        Path common = site.resolve("data/common.yaml");
        Files.writeString(common, Files.readString(common).replaceAll("pager_token: ENC\\[[^]]+]", "pager_token: " + staging));

        assertEquals(KwMaster.EXIT_MANIFEST_ERRORS, run("lint", "--manifests", site.toString()));
        assertTrue(err.toString().contains("data/common.yaml:14:18: the value is encrypted for environment staging only, and this"
                + " catalog is for environment production"), err.toString());
        assertEquals(KwMaster.EXIT_USAGE, run("secrets", "encrypt", "--public-key", site.resolve("secrets.pub").toString(), "--file",
                value.toString(), "--environment", "prod,staging"));
    }

    private Path copyOfExampleSite() throws IOException {
        Golden.copyTree(Golden.exampleSite(), tmp.resolve("site"));
        return tmp.resolve("site");
    }
}
