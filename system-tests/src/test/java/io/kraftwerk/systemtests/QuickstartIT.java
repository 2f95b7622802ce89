package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.testkit.DisposableNode;
import io.kraftwerk.testkit.HostBridge;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * README's first command, {@code ./quickstart}, run by an ordinary user on a machine that is a
 * disposable node (the build is the one this test suite runs on): it builds the example site's apps
 * into the store of a master it starts on the example site, bootstraps an agent as web1, runs it
 * once with --noop, and prints how to reach the dashboard. The noop run changes nothing on the
 * machine outside the quick start's own directory; what it says it would change is on the
 * dashboard, which a real browser signs in to with the token it printed. A real run then serves
 * both apps (this part needs the wsgi_release provider).
 */
class QuickstartIT {
    private static final String WORK = "/home/dev/kw-quickstart";
    private static final Pattern WOULD_CHANGE = Pattern.compile("^would change (\\S+\\[[^\\]]+\\]):", Pattern.MULTILINE);

    @Test
    void quickstartStartsAFleetViewAndItsNoopChangesNothing() throws Exception {
        try (HostBridge bridge = HostBridge.create("10.0.3.1", 24);
             DisposableNode machine = DisposableNode.start(Repo.SCRATCH, "newcomer.example.net", Repo.ROOT)) {
            machine.attach(bridge, "10.0.3.2");
            // a newcomer's account: the quick start needs no root
            machine.exec(List.of("useradd", "--create-home", "dev")).orThrow();
            Set<String> before = changedPaths(machine);

            DisposableNode.Result run = machine.exec(List.of("runuser", "-u", "dev", "--", "env", "KW_QUICKSTART_BUILD=0", "KW_QUICKSTART_DIR=" + WORK,
                    "KW_QUICKSTART_LISTEN=10.0.3.2", Repo.ROOT.resolve("quickstart").toString()), Duration.ofMinutes(4));
            String out = run.stdout() + run.stderr();
            assertEquals(0, run.exitCode(), out);
            assertTrue(out.contains("(exit 2: changes are pending; with --noop none was made)"), out);
            Matcher token = Pattern.compile("paste the admin token: ([0-9a-f]+)").matcher(out);
            assertTrue(token.find(), out);
            assertTrue(out.contains("URL:      https://10.0.3.2:8140/dashboard/"), out);

            // --noop changed nothing: the only new files on the machine are the quick start's own
            Set<String> added = changedPaths(machine);
            added.removeAll(before);
            List<String> outside = added.stream().filter(p -> !p.equals(WORK) && !p.startsWith(WORK + "/") && !WORK.startsWith(p + "/")).toList();
            assertEquals(List.of(), outside, "the quick start changed the machine outside " + WORK);
            assertTrue(Files.exists(machine.path(WORK + "/agent/ssl")), "the agent's identity is in the quick start's directory");

            Set<String> pending = new TreeSet<>();
            Matcher m = WOULD_CHANGE.matcher(out);
            while (m.find()) {
                pending.add(m.group(1));
            }
            assertFalse(pending.isEmpty(), "web1's catalog asks for things a fresh machine lacks:\n" + out);

            try (Browser browser = Browser.start(null)) {
                browser.signIn("https://10.0.3.2:8140/dashboard/", token.group(1));
                assertEquals(List.of("web1.example.net"), browser.texts("#nodes td.certname"));
                browser.screenshot("quickstart-overview");
                browser.clickAndWait("#nodes td.certname a");
                Set<String> shown = new TreeSet<>(browser.texts("#events td.resource"));
                assertTrue(shown.containsAll(pending), "the node page lists what the noop run would change: " + pending + " vs " + shown);
                browser.screenshot("quickstart-node");
            }

            // then a real run, as root (it installs packages and services): both apps are served, their
            // wheels fetched from the master's store, where the quick start built them; no wheelhouse
            Repo.requireCachedPackages();
            // root installs what is cached in the agent's state: first the state becomes root's (the agent refuses a cache
            // the quick start's user could swap a wheel in)
            machine.exec(List.of("chown", "-R", "root:root", WORK + "/agent")).orThrow();
            DisposableNode.Result real = machine.exec(List.of(Repo.agent(), "--config", WORK + "/agent/agent.yaml"), Duration.ofMinutes(10));
            assertEquals(2, real.exitCode(), "changes made, none failed:\n" + real.stdout() + real.stderr());
            assertEquals(200, Http.await(machine, "hello.example.net", "/healthz", h -> h.status() == 200, Duration.ofSeconds(30)).status());
            assertEquals(200, Http.await(machine, "blog.example.net", "/", Http::served, Duration.ofSeconds(30)).status());
            assertFalse(Files.exists(machine.path("/srv/wheelhouse")));

            // the example site's secrets, moved to the quick start master's own key, reached the node decrypted
            String common = Files.readString(machine.path(WORK + "/site/data/common.yaml"));
            assertFalse(common.contains("ab336546d2c0054f"), "the site's values no longer name the example key:\n" + common);
            assertFalse(Files.readString(machine.path(WORK + "/site/secrets.pub")).contains("ab336546d2c0054f"));
            assertTrue(Files.exists(machine.path(WORK + "/master/secrets/retired/ab336546d2c0054f.key")), "the example key is retired");
            assertEquals("example-pager-token-0000\n", Files.readString(machine.path("/etc/kraftwerk-site/pager.token")));
        }
    }

    /** Every path in the machine's overlay upper layer: what differs from the host it was made from. */
    private static Set<String> changedPaths(DisposableNode machine) throws IOException {
        Path upper = machine.changes();
        try (Stream<Path> walk = Files.walk(upper)) {
            Set<String> paths = new TreeSet<>();
            walk.filter(p -> !p.equals(upper)).forEach(p -> paths.add("/" + upper.relativize(p)));
            return paths;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
