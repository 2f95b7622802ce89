package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.HostBridge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Debian packages the build makes, installed with dpkg in disposable nodes as an operator
 * would: kw-master runs under runit as the kraftwerk user from its package settings; kw-agent
 * bootstraps against it, converges the node and runs as a runit service; removing the agent
 * package stops the agent and leaves every resource it converged as it is, and purging it forgets
 * the node's identity and nothing else.
 */
class PackageIT {
    private static final String MASTER = "kw-master.example.net";
    private static final String NODE = "pkg1.example.net";
    private static final String TOKEN = "package-token-5d1c";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void packagesInstallRunConvergeAndUninstallCleanly() throws Exception {
        Repo.requireCachedPackages();
        Path agentDeb = deb("kw-agent");
        Path masterDeb = deb("kw-master");
        try (HostBridge bridge = HostBridge.create("10.0.4.1", 24);
             DisposableNode master = DisposableNode.start(Repo.SCRATCH, MASTER, Repo.ROOT);
             DisposableNode node = DisposableNode.start(Repo.SCRATCH, NODE, Repo.ROOT)) {
            master.attach(bridge, "10.0.4.10");
            node.attach(bridge, "10.0.4.11");
            node.addHost("10.0.4.10", MASTER);

            // the master: package, settings, runit service
            master.exec(List.of("apt-get", "install", "-y", "-q", "runit")).orThrow();
            DisposableNode.Result installed = master.exec(List.of("dpkg", "-i", masterDeb.toString())).orThrow();
            assertTrue(installed.stdout().contains("set --manifests in /etc/kraftwerk/master.env"), installed.stdout());
            assertEquals("kraftwerk kraftwerk 750\n", master.exec(List.of("stat", "-c", "%U %G %a", "/var/lib/kraftwerk-master"))
                    .orThrow().stdout());
            assertTrue(master.exec(List.of("getent", "passwd", "kraftwerk")).orThrow().stdout().contains(":/usr/sbin/nologin"));
            assertUnitVerifies(master, "kw-master.service");
            master.exec(List.of("sh", "-c", "mkdir -p /srv/kraftwerk && cp -r " + Repo.ROOT.resolve("manifests")
                    + " /srv/kraftwerk/site && cd /srv/kraftwerk/site && git init -q -b production && git add -A"
                    + " && git -c user.name=ops -c user.email=ops@example.net commit -q -m site")).orThrow();
            // the site's secrets, moved to this master as an operator does: restore the key they are encrypted to,
            // rotate the working copy to a new key (made by root, given to the service's user), retire the old one
            master.exec(List.of("sh", "-c", "install -d -m 700 -o kraftwerk -g kraftwerk /var/lib/kraftwerk-master/secrets"
                    + " && install -m 600 -o kraftwerk -g kraftwerk " + Repo.ROOT.resolve("examples/secrets-key/ab336546d2c0054f.key")
                    + " /var/lib/kraftwerk-master/secrets/")).orThrow();
            String rotated = master.exec(List.of("kw-master", "secrets", "rotate", "--manifests", "/srv/kraftwerk/site")).orThrow().stdout();
            assertTrue(rotated.startsWith("re-encrypted 5 value(s) in 5 file(s) to key "), rotated); // the example's five ENC values
            master.exec(List.of("kw-master", "secrets", "retire", "ab336546d2c0054f", "--manifests", "/srv/kraftwerk/site")).orThrow();
            master.exec(List.of("sh", "-c", "cd /srv/kraftwerk/site && git -c user.name=ops -c user.email=ops@example.net commit -q -am"
                    + " 'secrets: to this master key'")).orThrow();
            assertEquals("kraftwerk kraftwerk 600\n", master.exec(List.of("sh", "-c", "stat -c '%U %G %a' /var/lib/kraftwerk-master/secrets/"
                    + "$(cat /var/lib/kraftwerk-master/secrets/current).key")).orThrow().stdout(), "the service can read the key root made");
            Files.writeString(master.path("/etc/kraftwerk/bootstrap.token"), TOKEN + "\n");
            master.exec(List.of("sh", "-c", "chown kraftwerk /etc/kraftwerk/bootstrap.token && chmod 600 /etc/kraftwerk/bootstrap.token"))
                    .orThrow();
            Files.writeString(master.path("/etc/kraftwerk/master.env"), "KW_MASTER_OPTS=\"--manifests /srv/kraftwerk/site --name " + MASTER
                    + " --ip 10.0.4.10 --autosign-token-file /etc/kraftwerk/bootstrap.token\"\nKW_MASTER_JAVA_OPTS=\"\"\n");
            master.exec(List.of("ln", "-s", "/etc/sv/kw-master", "/etc/service/kw-master")).orThrow();
            Path masterLog = master.path("/var/log/kraftwerk/master/current");
            await("the master to log 'Listening on' in " + masterLog, () -> read(masterLog).contains("Listening on"));
            assertEquals(0, master.exec(List.of("pgrep", "-u", "kraftwerk", "-f", "quarkus-run.jar serve")).exitCode(),
                    "the master runs as the kraftwerk user");
            assertEquals("kraftwerk\n", master.exec(List.of("stat", "-c", "%U", "/var/lib/kraftwerk-master/ca/ca_key.pem")).orThrow().stdout());
            // an operator's 'ca list' as root works on the service's files as the service's user
            String caList = master.exec(List.of("kw-master", "ca", "list")).orThrow().stdout();
            Matcher fingerprint = Pattern.compile("(SHA256:[0-9A-F:]+)").matcher(caList);
            assertTrue(fingerprint.find(), caList);

            // the agent: package, bootstrap, converge
            DisposableNode.Result agentInstalled = node.exec(List.of("dpkg", "-i", agentDeb.toString())).orThrow();
            assertTrue(agentInstalled.stdout().contains("kw-agent: not bootstrapped yet"), agentInstalled.stdout());
            assertEquals("root 700\n", node.exec(List.of("stat", "-c", "%U %a", "/var/lib/kraftwerk")).orThrow().stdout());
            assertUnitVerifies(node, "kw-agent.service");
            Files.writeString(node.path("/root/bootstrap.token"), TOKEN + "\n");
            DisposableNode.Result bootstrap = node.exec(List.of("kw-agent", "bootstrap", "--server", "https://" + MASTER + ":8140",
                    "--certname", NODE, "--ca-fingerprint", fingerprint.group(1), "--token-file", "/root/bootstrap.token"), Duration.ofMinutes(2));
            assertEquals(0, bootstrap.exitCode(), bootstrap.stdout() + bootstrap.stderr());
            assertTrue(Files.exists(node.path("/etc/kraftwerk/agent.yaml")));

            // the promised commands: 'kw-agent --noop' is the dry run, plain 'kw-agent' one run now
            DisposableNode.Result dryRun = node.exec(List.of("kw-agent", "--noop"), Duration.ofMinutes(4));
            assertEquals(2, dryRun.exitCode(), dryRun.stdout() + dryRun.stderr());
            assertTrue(dryRun.stdout().contains("would change user[deploy]"), dryRun.stdout());
            assertFalse(Files.exists(node.path("/etc/motd")) && Files.readString(node.path("/etc/motd")).contains(NODE),
                    "--noop changed nothing");
            assertEquals(2, node.exec(List.of("getent", "passwd", "deploy")).exitCode(), "--noop made no user");
            DisposableNode.Result first = node.exec(List.of("kw-agent"), Duration.ofMinutes(4));
            assertEquals(2, first.exitCode(), first.stdout() + first.stderr());
            assertTrue(Files.readString(node.path("/etc/motd")).contains(NODE), "the base role's motd is in place");
            assertEquals("example-pager-token-0000\n", Files.readString(node.path("/etc/kraftwerk-site/pager.token")),
                    "the packaged master decrypted the pager token with the key root made");
            assertEquals(0, node.exec(List.of("getent", "passwd", "deploy")).exitCode(), "the base role's user exists");
            assertEquals(0, node.exec(List.of("dpkg-query", "--show", "unattended-upgrades")).exitCode());
            DisposableNode.Result second = node.exec(List.of("kw-agent"), Duration.ofMinutes(2));
            assertEquals(0, second.exitCode(), "converged in one run:\n" + second.stdout() + second.stderr());
            DisposableNode.Result shortNoop = node.exec(List.of("kw-agent", "--noop"), Duration.ofMinutes(2));
            DisposableNode.Result runNoop = node.exec(List.of("kw-agent", "run", "--noop"), Duration.ofMinutes(2));
            assertEquals(0, shortNoop.exitCode(), shortNoop.stdout() + shortNoop.stderr());
            assertEquals(runNoop.exitCode(), shortNoop.exitCode());
            assertEquals(withoutTimes(runNoop.stdout()), withoutTimes(shortNoop.stdout()), "kw-agent --noop prints what kw-agent run --noop does");
            String token = Files.readString(master.path("/var/lib/kraftwerk-master/admin.token")).strip();
            String fleet = node.exec(List.of("curl", "-sS", "--fail", "--cacert", "/var/lib/kraftwerk/ssl/ca.pem", "-H",
                    "Authorization: Bearer " + token, "https://" + MASTER + ":8140/v1/fleet/nodes/" + NODE)).orThrow().stdout();
            assertTrue(Pattern.compile("\"certname\"\\s*:\\s*\"" + Pattern.quote(NODE) + "\"").matcher(fleet).find(), fleet);

            // the agent as a runit service (on a node that uses runit)
            node.exec(List.of("apt-get", "install", "-y", "-q", "runit")).orThrow();
            node.exec(List.of("ln", "-s", "/etc/sv/kw-agent", "/etc/service/kw-agent")).orThrow();
            Path agentLog = node.path("/var/log/kraftwerk/agent/current");
            await("the agent daemon to log its schedule in " + agentLog, () -> read(agentLog).contains("kw-agent daemon: " + NODE + " runs every"));

            // removal: the agent stops; what it converged stays; its identity stays until purge
            String motd = Files.readString(node.path("/etc/motd"));
            node.exec(List.of("dpkg", "-r", "kw-agent")).orThrow();
            assertFalse(Files.exists(node.path("/usr/bin/kw-agent")));
            assertFalse(Files.exists(node.path("/etc/service/kw-agent")), "the runit service is disabled");
            await("the agent daemon to stop", () -> {
                try {
                    return node.exec(List.of("pgrep", "-f", "kw-agent-daemon")).exitCode() == 1;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(motd, Files.readString(node.path("/etc/motd")));
            assertEquals(0, node.exec(List.of("getent", "passwd", "deploy")).exitCode());
            assertEquals(0, node.exec(List.of("dpkg-query", "--show", "unattended-upgrades")).exitCode());
            assertTrue(Files.exists(node.path("/var/lib/kraftwerk/ssl/ca.pem")), "remove keeps the node's identity");
            assertTrue(Files.exists(node.path("/etc/kraftwerk/agent.yaml")));

            node.exec(List.of("dpkg", "--purge", "kw-agent")).orThrow();
            assertFalse(Files.exists(node.path("/var/lib/kraftwerk")), "purge forgets the identity and state");
            assertFalse(Files.exists(node.path("/etc/kraftwerk/agent.yaml")));
            assertEquals(motd, Files.readString(node.path("/etc/motd")));
            assertEquals(0, node.exec(List.of("getent", "passwd", "deploy")).exitCode());
        }
    }

    /**
     * The packaged systemd unit as systemd itself reads it (disposable nodes run no systemd, so the
     * service is exercised under runit; this checks the unit's syntax, keys and commands).
     */
    private static void assertUnitVerifies(DisposableNode node, String unit) throws Exception {
        DisposableNode.Result verify = node.exec(List.of("systemd-analyze", "verify", "/lib/systemd/system/" + unit));
        assertEquals(0, verify.exitCode(), unit + ": " + verify.stdout() + verify.stderr());
        assertEquals("", verify.stdout().strip() + verify.stderr().strip(), unit + ": systemd has remarks");
    }

    private static Path deb(String name) throws IOException {
        Path dir = Repo.ROOT.resolve("packaging/target");
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(name + "_") && p.toString().endsWith("_all.deb"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no " + name + " package in " + dir
                            + ": the packaging module builds it (./mvnw -DskipTests package)"));
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Polls a condition the system reaches on its own (a service starting), up to a deadline. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what + " after " + WAIT.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    /** A run's output without what differs between two runs of the same catalog: durations. */
    private static String withoutTimes(String output) {
        return output.replaceAll("in [0-9.]+ s", "in N s");
    }

}
