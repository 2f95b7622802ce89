package io.kraftwerk.master.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kraftwerk.master.Golden;
import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.model.json.ModelJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kw-master diff}: the example site at two commits — a motd line, a package added to every
 * node, the load balancer's certificate file removed, the pager token changed — shown per node,
 * secrets compared but never printed.
 */
class DiffCommandTest extends CliTest {
    @TempDir
    Path tmp;

    private Path repo;
    private String before;
    private String after;

    @BeforeEach
    void twoCommits() throws Exception {
        repo = tmp.resolve("site");
        Golden.copyTree(Golden.exampleSite(), repo);
        try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("production").call()) {
            git.add().addFilepattern(".").call();
            before = git.commit().setMessage("as it is").setSign(false).call().getName();
            edit("templates/motd.txt", t -> t + "Maintenance: Sundays 04:00 UTC\n");
            edit("roles/base.yaml", t -> t.replace("    curl: {}\n", "    curl: {}\n    htop: {}\n"));
            edit("roles/lb.yaml", t -> t.replaceFirst("    /etc/ssl/kraftwerk/hello.example.net.crt:\n.*\n.*\n", ""));
            String token = Envelope.encrypt("a-new-pager-token", new SecretsKeys(Path.of("..", "examples", "secrets-key"))
                    .byId("ab336546d2c0054f").orElseThrow(), new SecureRandom());
            edit("data/common.yaml", t -> t.replaceFirst("pager_token: ENC\\[[^]]+]", "pager_token: " + token));
            git.add().addFilepattern(".").call();
            after = git.commit().setMessage("the change").setSign(false).call().getName();
        }
    }

    @Test
    void eachNodeShowsWhatTheCommitChangesAndNoSecret() throws Exception {
        Path data = masterWithExampleKey();
        int status = run("diff", "--manifests", repo.toString(), "--from", before, "--to", after, "--data-dir", data.toString(),
                "--nodes", "*1.example.net");
        assertEquals(2, status, err.toString());
        String text = out.toString().replace(before, "FROM").replace(after, "TO");
        Golden.assertMatches(Golden.testResources().resolve("diff/example.txt"), text);
        assertFalse(text.contains("a-new-pager-token") || text.contains("example-pager-token"), text);

        assertEquals(2, run("diff", "--manifests", repo.toString(), "--from", before, "--to", after, "--data-dir", data.toString(),
                "--json"));
        JsonNode json = ModelJson.mapper().readTree(out.toString());
        assertEquals(5, json.get("summary").get("changed").asInt());
        assertFalse(out.toString().contains("a-new-pager-token"));

        assertEquals(0, run("diff", "--manifests", repo.toString(), "--from", after, "--to", after, "--data-dir", data.toString()));
        assertTrue(out.toString().endsWith("5 nodes: 0 changed (0 resources), 5 unchanged, 0 not compiling\n"), out.toString());
    }

    @Test
    void withoutTheKeysAValueEncryptedAnewStillShowsAsChangedNeverItsText() throws Exception {
        assertEquals(2, run("diff", "--manifests", repo.toString(), "--from", before, "--to", after, "--data-dir",
                tmp.resolve("no-master").toString(), "--nodes", "db1.example.net"));
        assertTrue(out.toString().contains("  ~ file[/etc/kraftwerk-site/pager.token]\n      content: [sensitive] -> [sensitive]\n"),
                out.toString());
        assertFalse(out.toString().contains("[encrypted "), "the stand-in is compared, never shown");
    }

    @Test
    void aDatabasePasswordIsSecretWithoutAnyMarkEvenWrittenInPlainText() throws Exception {
        String first;
        String second;
        try (Git git = Git.open(repo.toFile())) {
            edit("roles/db.yaml", t -> t + "\n  postgresql_database:\n    reports:\n      password: first-plain-password\n");
            git.add().addFilepattern(".").call();
            first = git.commit().setMessage("a database").setSign(false).call().getName();
            edit("roles/db.yaml", t -> t.replace("first-plain-password", "second-plain-password"));
            git.add().addFilepattern(".").call();
            second = git.commit().setMessage("its new password").setSign(false).call().getName();
        }
        assertEquals(2, run("diff", "--manifests", repo.toString(), "--from", after, "--to", first, "--nodes", "db1.example.net",
                "--data-dir", masterWithExampleKey().toString()));
        assertTrue(out.toString().contains("  + postgresql_database[reports]"), out.toString());
        assertFalse(out.toString().contains("plain-password"), "an added database shows no password either: " + out);
        assertEquals(2, run("diff", "--manifests", repo.toString(), "--from", first, "--to", second, "--nodes", "db1.example.net",
                "--data-dir", tmp.resolve("master").toString()));
        assertTrue(out.toString().contains("  ~ postgresql_database[reports]\n      password: [sensitive] -> [sensitive]\n"),
                out.toString());
        assertFalse(out.toString().contains("plain-password"), out.toString());
    }

    private interface Edit {
        String apply(String text);
    }

    private void edit(String file, Edit edit) throws IOException {
        Path path = repo.resolve(file);
        String was = Files.readString(path);
        String is = edit.apply(was);
        assertFalse(was.equals(is), file + " unchanged by the test's edit");
        Files.writeString(path, is);
    }

    private Path masterWithExampleKey() throws IOException {
        Path secrets = Files.createDirectories(tmp.resolve("master/secrets"));
        Files.copy(Path.of("..", "examples", "secrets-key", "ab336546d2c0054f.key"), secrets.resolve("ab336546d2c0054f.key"));
        return tmp.resolve("master");
    }
}
