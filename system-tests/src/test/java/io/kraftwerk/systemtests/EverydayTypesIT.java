package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.AptSourceResource;
import io.kraftwerk.model.resource.CronJobResource;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.ExecResource;
import io.kraftwerk.model.resource.FileResource;
import io.kraftwerk.model.resource.PackageResource;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.resource.SshAuthorizedKeyResource;
import io.kraftwerk.model.resource.UserResource;
import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.GitRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssh_authorized_key, cron_job, exec and apt_source in disposable nodes, with the real tools: sshd's
 * own parser (ssh-keygen -l) reads the key file, runuser runs a command as its user, and apt
 * fetches a signed repository (made here with gpg and dpkg-deb, served from a file: URI) and
 * installs a package from it in the same run that adds the source.
 */
class EverydayTypesIT {
    private static final Provenance WHERE = new Provenance("roles/everyday.yaml", 1, 1, "everyday", null);

    @TempDir
    Path work;

    @Test
    void keysJobsAndCommandsConvergeAndStayConverged() throws Exception {
        String alice = publicKey("alice");
        String bob = publicKey("bob");
        try (DisposableNode node = DisposableNode.start(Repo.SCRATCH, "everyday1.example.net", Repo.ROOT)) {
            UserResource deploy = new UserResource("deploy", Ensure.PRESENT, null, null, List.of(), "/home/deploy", "/bin/sh", null,
                    false, true);
            SshAuthorizedKeyResource aliceKey = new SshAuthorizedKeyResource("alice@laptop", null, "deploy", "ssh-ed25519", alice,
                    null, List.of("from=\"10.0.0.0/8\"", "no-agent-forwarding"), true);
            SshAuthorizedKeyResource bobKey = new SshAuthorizedKeyResource("bob@desk", null, "deploy", "ssh-ed25519", bob, null, null, false);
            CronJobResource job = new CronJobResource("hello-report", null, "*/15 * * * *", "deploy",
                    List.of("/usr/bin/date", "+%F", "it's $HOME"), new TreeMap<>(Map.of("MAILTO", "")));
            FileResource settings = new FileResource("/etc/hello.ini", Ensure.PRESENT, "[hello]\nworkers = 2\n", null, null, null, false);
            ExecResource init = new ExecResource("hello-init", List.of("/usr/bin/touch", "/tmp/hello-initialised"), "/tmp/hello-initialised",
                    null, null, false, 30, "deploy", "/tmp", null, null);
            ExecResource reload = new ExecResource("hello-reload", List.of("/usr/bin/cp", "/etc/hello.ini", "/tmp/hello-reloaded.ini"),
                    null, null, null, true, 30, null, null, null, null);
            List<Edge> edges = List.of(new Edge("user[deploy]", "ssh_authorized_key[alice@laptop]", EdgeKind.ORDER, "implied"),
                    new Edge("user[deploy]", "ssh_authorized_key[bob@desk]", EdgeKind.ORDER, "implied"),
                    new Edge("user[deploy]", "exec[hello-init]", EdgeKind.ORDER, "implied"),
                    new Edge("file[/etc/hello.ini]", "exec[hello-reload]", EdgeKind.NOTIFY, "subscribe"));
            write(node, "/root/everyday.json", catalog(edges, deploy, aliceKey, bobKey, job, settings, init, reload));
            Files.createDirectories(node.path("/home/deploy/.ssh"));
            Files.writeString(node.path("/home/deploy/.ssh/authorized_keys"), "ssh-rsa AAAAB3NzaC1yc2E= left-by-hand\n");

            DisposableNode.Result first = apply(node, "/root/everyday.json");
            assertEquals(2, first.exitCode(), first.stdout() + first.stderr());
            // the key file: only declared keys (exclusive), owned by deploy, and sshd's parser reads both keys
            assertEquals("from=\"10.0.0.0/8\",no-agent-forwarding ssh-ed25519 " + alice + " alice@laptop\nssh-ed25519 " + bob + " bob@desk\n",
                    Files.readString(node.path("/home/deploy/.ssh/authorized_keys")));
            assertEquals("deploy deploy 600\n", stat(node, "/home/deploy/.ssh/authorized_keys"));
            String fingerprints = node.exec(List.of("ssh-keygen", "-l", "-f", "/home/deploy/.ssh/authorized_keys")).orThrow().stdout();
            assertEquals(2, fingerprints.lines().count(), fingerprints);
            // the cron job: what /bin/sh will run is exactly the argv
            Path cron = node.path("/etc/cron.d/kraftwerk-hello-report");
            assertTrue(Files.readString(cron).endsWith("*/15 * * * * deploy /usr/bin/date '+\\%F' 'it'\\''s $HOME'\n"), Files.readString(cron));
            assertEquals("root root 644\n", stat(node, "/etc/cron.d/kraftwerk-hello-report"));
            String line = Files.readAllLines(cron).stream().filter(l -> l.startsWith("*/15")).findFirst().orElseThrow();
            String shellLine = line.substring(line.indexOf("/usr/bin/date")).replace("\\%", "%"); // what cron hands to the shell
            assertEquals(List.of("/usr/bin/date", "+%F", "it's $HOME"), argv(node, shellLine));
            // the guarded command ran once, as its user; the refresh-only one ran because its file changed
            assertEquals("deploy\n", node.exec(List.of("stat", "-c", "%U", "/tmp/hello-initialised")).orThrow().stdout());
            assertEquals("[hello]\nworkers = 2\n", Files.readString(node.path("/tmp/hello-reloaded.ini")));

            DisposableNode.Result second = apply(node, "/root/everyday.json");
            assertEquals(0, second.exitCode(), "in sync, nothing runs again: " + second.stdout());

            // drift: a key planted by hand, a command's guard undone; noop says so and changes nothing
            Files.writeString(node.path("/home/deploy/.ssh/authorized_keys"), "ssh-rsa AAAAB3NzaC1yc2E= planted\n",
                    StandardOpenOption.APPEND);
            Files.delete(node.path("/tmp/hello-initialised"));
            DisposableNode.Result noop = apply(node, "/root/everyday.json", "--noop");
            assertEquals(2, noop.exitCode(), noop.stdout());
            assertTrue(noop.stdout().contains("would change ssh_authorized_key[alice@laptop]: undeclared lines '1 line' -> 'none'"), noop.stdout());
            assertTrue(noop.stdout().contains("would change exec[hello-init]: run 'due (/tmp/hello-initialised does not exist)' -> 'done'"),
                    noop.stdout());
            assertFalse(Files.exists(node.path("/tmp/hello-initialised")), "noop ran nothing");
            assertEquals(2, apply(node, "/root/everyday.json").exitCode());
            assertFalse(Files.readString(node.path("/home/deploy/.ssh/authorized_keys")).contains("planted"));
            assertTrue(Files.exists(node.path("/tmp/hello-initialised")));

            // removal: the job's file goes, bob's line goes and alice's stays
            write(node, "/root/removed.json", catalog(List.of(), deploy, aliceKey,
                    new SshAuthorizedKeyResource("bob@desk", Ensure.ABSENT, "deploy", "ssh-ed25519", bob, null, null, false),
                    new CronJobResource("hello-report", Ensure.ABSENT, null, null, null, null)));
            assertEquals(2, apply(node, "/root/removed.json").exitCode());
            assertFalse(Files.exists(cron));
            assertEquals("from=\"10.0.0.0/8\",no-agent-forwarding ssh-ed25519 " + alice + " alice@laptop\n",
                    Files.readString(node.path("/home/deploy/.ssh/authorized_keys")));
        }
    }

    @Test
    void aSourceItsKeyDidNotSignIsRemovedAgainAndAGoodOneIsFetchedBeforeItsPackageInstalls() throws Exception {
        Repo.requireCachedPackages();
        try (DisposableNode node = DisposableNode.start(Repo.SCRATCH, "apt1.example.net", Repo.ROOT)) {
            SignedAptRepository apt = new SignedAptRepository(work);
            String key = apt.newKey("repo");
            apt.flat(work.resolve("repo"), "repo", apt.deb("kw-everyday-test", "1.0", "hello from a signed repository\n"));
            GitRepo.copyTree(work.resolve("repo"), node.path("/srv/repo"));
            // a key that did not sign the repository: apt refuses the source, and it is not left for the next apt-get update
            write(node, "/root/wrong-key.json", catalog(List.of(), source(apt.newKey("other"))));
            DisposableNode.Result refused = apply(node, "/root/wrong-key.json");
            assertEquals(4, refused.exitCode(), refused.stdout());
            assertTrue(refused.stdout().contains("apt could not fetch the source, so it was removed again"), refused.stdout());
            assertTrue(refused.stdout().contains("NO_PUBKEY") || refused.stdout().contains("not signed"), refused.stdout());
            assertFalse(Files.exists(node.path("/etc/apt/sources.list.d/kraftwerk-kw-test.sources")));

            // a source apt cannot reach: apt only warns of it by default; it fails here, and is removed again
            write(node, "/root/unreachable.json", catalog(List.of(), new AptSourceResource("kw-test", null, null,
                    List.of("http://127.0.0.1:9/repo"), List.of("./"), List.of(), List.of(), key)));
            DisposableNode.Result unreachable = apply(node, "/root/unreachable.json");
            assertEquals(4, unreachable.exitCode(), unreachable.stdout());
            assertTrue(unreachable.stdout().contains("Could not connect to 127.0.0.1:9"), unreachable.stdout());
            assertFalse(Files.exists(node.path("/etc/apt/sources.list.d/kraftwerk-kw-test.sources")));

            // the right key: fetched, and its package installs in the same run
            PackageResource pkg = new PackageResource("kw-everyday-test", null, null);
            write(node, "/root/apt.json", catalog(List.of(new Edge("apt_source[kw-test]", "package[kw-everyday-test]", EdgeKind.ORDER,
                    "implied: apt fetches this source before packages are installed")), source(key), pkg));
            DisposableNode.Result run = apply(node, "/root/apt.json");
            assertEquals(2, run.exitCode(), run.stdout() + run.stderr());
            assertEquals("hello from a signed repository\n", Files.readString(node.path("/usr/share/kw-everyday-test/hello.txt")));
            assertTrue(Files.readString(node.path("/etc/apt/sources.list.d/kraftwerk-kw-test.sources")).contains("Signed-By:\n -----BEGIN PGP"));
            assertEquals(0, apply(node, "/root/apt.json").exitCode(), "in sync");
        }
    }

    private static AptSourceResource source(String key) {
        return new AptSourceResource("kw-test", null, null, List.of("file:/srv/repo"), List.of("./"), List.of(), List.of(), key);
    }

    private static List<String> argv(DisposableNode node, String shellLine) throws Exception {
        // sh splits the line as cron's shell will; printf prints one argument per line
        String out = node.exec(List.of("sh", "-c", "printf '%s\\n' " + shellLine.substring(shellLine.indexOf(' ') + 1))).orThrow().stdout();
        List<String> args = new ArrayList<>(List.of(shellLine.substring(0, shellLine.indexOf(' '))));
        args.addAll(out.lines().toList());
        return args;
    }

    private String publicKey(String name) throws Exception {
        SignedAptRepository.run(work, List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", work.resolve(name).toString()));
        return Files.readString(work.resolve(name + ".pub")).split(" ")[1];
    }

    private static String stat(DisposableNode node, String path) throws Exception {
        return node.exec(List.of("stat", "-c", "%U %G %a", path)).orThrow().stdout();
    }

    private static void write(DisposableNode node, String path, Catalog catalog) throws IOException {
        Files.write(node.path(path), ModelJson.writeBytes(catalog));
    }

    private static DisposableNode.Result apply(DisposableNode node, String catalog, String... options) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Repo.agent(), "apply", catalog));
        argv.addAll(List.of(options));
        return node.exec(argv, Duration.ofMinutes(3));
    }

    private static Catalog catalog(List<Edge> edges, Resource... resources) {
        return new Catalog(Catalog.FORMAT_VERSION, "everyday1.example.net", "production", "sha256:everyday",
                Arrays.stream(resources).map(r -> CatalogResource.of(r, false, List.of(), WHERE)).toList(), edges);
    }
}
