package io.kraftwerk.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.resource.PackageResource;
import io.kraftwerk.testkit.DisposableNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A node as nodes really are: another process (here a small Python program, standing in for
 * unattended-upgrades) holds the dpkg lock when the agent wants to install a package. Held for a
 * few seconds, the agent waits, installs, and its report says how long it waited and who held the
 * lock; held for longer than the agent waits, the package fails once with that reason and
 * nothing is installed. Both in a disposable node, with the real apt-get and dpkg.
 */
class PackageLockIT {
    /** Holds the dpkg frontend lock for argv[1] seconds while it runs the rest of argv, then exits with its status. */
    private static final String LOCK_HOLDER = """
            import fcntl, subprocess, sys, time
            lock = open('/var/lib/dpkg/lock-frontend', 'w')
            fcntl.lockf(lock, fcntl.LOCK_EX)
            agent = subprocess.Popen(sys.argv[2:])
            time.sleep(float(sys.argv[1]))
            lock.close()
            sys.exit(agent.wait())
            """;

    @Test
    void theAgentWaitsForTheDpkgLockAndSaysWhoHeldItOrFailsOnceWhenItWaitedLongEnough() throws Exception {
        try (DisposableNode node = DisposableNode.start(Repo.SCRATCH, "busy1.example.net", Repo.ROOT)) {
            Files.writeString(node.path("/root/hold-lock.py"), LOCK_HOLDER);
            Files.write(node.path("/root/catalog.json"), ModelJson.writeBytes(catalog()));

            // held longer than the agent waits: one failure, nothing installed
            DisposableNode.Result refused = node.exec(List.of("python3", "/root/hold-lock.py", "25", Repo.agent(), "apply",
                    "/root/catalog.json", "--json", "/root/refused.json", "--dpkg-lock-timeout", "3"), Duration.ofMinutes(3));
            assertEquals(4, refused.exitCode(), "failures: " + refused.stdout() + refused.stderr());
            ResourceReport telnet = resource(ModelJson.readReport(Files.readAllBytes(node.path("/root/refused.json")), "refused.json"));
            assertEquals(ResourceStatus.FAILED, telnet.status());
            assertTrue(telnet.message().matches("the dpkg lock was held by process \\d+ \\(python3\\) for all of the 3 s the agent"
                    + " waits \\(dpkg_lock_timeout in agent.yaml\\); nothing was installed or removed, and the next run tries again"),
                    telnet.message());
            assertEquals(1, count(refused.stdout() + refused.stderr(), "the dpkg lock was held"), "reported once:\n" + refused.stdout());
            assertEquals(1, node.exec(List.of("dpkg-query", "--show", "inetutils-telnet")).exitCode(), "nothing was installed");

            // held for a few seconds: the agent waits, then installs
            DisposableNode.Result waited = node.exec(List.of("python3", "/root/hold-lock.py", "4", Repo.agent(), "apply",
                    "/root/catalog.json", "--json", "/root/waited.json"), Duration.ofMinutes(3));
            assertEquals(2, waited.exitCode(), "changes: " + waited.stdout() + waited.stderr());
            Report report = ModelJson.readReport(Files.readAllBytes(node.path("/root/waited.json")), "waited.json");
            assertEquals(ResourceStatus.CHANGED, resource(report).status());
            List<String> notes = new ArrayList<>();
            for (LogLine line : report.logs()) {
                if (line.message().startsWith("waited about")) {
                    notes.add(line.message());
                }
            }
            assertEquals(1, notes.size(), report.logs().toString());
            assertTrue(notes.get(0).matches("waited about [1-9]\\d* s for the dpkg lock, held by process \\d+ \\(python3\\)"),
                    notes.get(0));
            assertEquals(0, node.exec(List.of("dpkg-query", "--show", "inetutils-telnet")).exitCode(), "installed");
        }
    }

    private static ResourceReport resource(Report report) {
        return report.resources().stream().filter(r -> r.id().equals("package[telnet]")).findFirst()
                .orElseThrow(() -> new AssertionError("no package[telnet] in " + report.resources()));
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static Catalog catalog() {
        Provenance where = new Provenance("roles/base.yaml", 1, 1, "base", null);
        return new Catalog(Catalog.FORMAT_VERSION, "busy1.example.net", "production", "sha256:busy",
                List.of(CatalogResource.of(new PackageResource("telnet", null, null), false, List.of(), where)), List.of());
    }
}
