package io.kraftwerk.agent.provider.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.Property;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.PackageResource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PackageProviderTest {
    private static final List<String> APT_GET = List.of("apt-get", "install");
    private static final String WAITING = "Waiting for cache lock: Could not get lock /var/lib/dpkg/lock-frontend. It is held by"
            + " process 812 (unattended-upgr)...\n";
    private final PackageProvider provider = new PackageProvider();
    private final RecordingContext context = new RecordingContext(Path.of("/"));
    private final PackageResource nginx = new PackageResource("nginx", null, null);
    private final PackageResource curl = new PackageResource("curl", null, "7.88.1-10+deb12u15");
    private final PackageResource telnet = new PackageResource("telnet", Ensure.ABSENT, null);

    @Test
    void readsEveryPackageWithOneDpkgQuery() throws Exception {
        context.answer(List.of("dpkg-query"), 1, "nginx\tnginx\t1.22.1-9\tii \ncurl\tcurl\t7.88.1-10+deb12u12\tii \n"
                + "telnet\ttelnet\t0.17\trc \n", "dpkg-query: no packages found matching ghost\n");
        provider.prefetch(List.of(nginx, curl, telnet, new PackageResource("ghost", null, null)), context);
        assertEquals(List.of(List.of("dpkg-query", "--show", "--showformat",
                "${binary:Package}\\t${Package}\\t${Version}\\t${db:Status-Abbrev}\\n", "nginx", "curl", "telnet", "ghost")),
                context.commands);
        assertEquals(List.of(), Diff.changes(provider.desired(nginx), provider.observe(nginx, context)));
        assertEquals(List.of(new Change("version", "7.88.1-10+deb12u12", "7.88.1-10+deb12u15", Property.Kind.PLAIN)),
                Diff.changes(provider.desired(curl), provider.observe(curl, context)));
        assertEquals(List.of(), Diff.changes(provider.desired(telnet), provider.observe(telnet, context)),
                "removed with only configuration left counts as absent");
        assertEquals(1, context.commands.size(), "observing reads from the prefetched answer");
    }

    @Test
    void installsPinsAndRemovesInOneAptGetCall() throws Exception {
        Map<PackageResource, List<Change>> work = new LinkedHashMap<>();
        work.put(nginx, List.of());
        work.put(curl, List.of());
        work.put(telnet, List.of());
        assertEquals(Map.of(), provider.applyBatch(work, context));
        assertEquals(List.of(List.of("apt-get", "install", "-y", "-q", "-o", "Dpkg::Options::=--force-confdef", "-o",
                "Dpkg::Options::=--force-confold", "--allow-downgrades", "-o", "DPkg::Lock::Timeout=300", "nginx", "curl=7.88.1-10+deb12u15", "telnet-")),
                context.commands);
        assertEquals("noninteractive", context.environments.get(0).get("DEBIAN_FRONTEND"));
    }

    @Test
    void aFailedBatchIsRetriedOneByOneToNameTheCulprit() throws Exception {
        PackageResource ghost = new PackageResource("ghost", null, null);
        context.answer(List.of("apt-get", "install", "-y", "-q", "-o", "Dpkg::Options::=--force-confdef", "-o",
                "Dpkg::Options::=--force-confold", "--allow-downgrades", "-o", "DPkg::Lock::Timeout=300", "nginx", "ghost"), 100, "", "E: Unable to locate package ghost\n");
        context.answer(List.of("apt-get", "install", "-y", "-q", "-o", "Dpkg::Options::=--force-confdef", "-o",
                "Dpkg::Options::=--force-confold", "--allow-downgrades", "-o", "DPkg::Lock::Timeout=300", "ghost"), 100, "", "E: Unable to locate package ghost\n");
        Map<PackageResource, List<Change>> work = new LinkedHashMap<>();
        work.put(nginx, List.of());
        work.put(ghost, List.of());
        assertEquals(Map.of(ghost, "apt-get exited with 100: E: Unable to locate package ghost"),
                provider.applyBatch(work, context));
        assertEquals(3, context.commands.size());
    }

    private Map<PackageResource, List<Change>> work(PackageResource... packages) {
        Map<PackageResource, List<Change>> work = new LinkedHashMap<>();
        for (PackageResource p : packages) {
            work.put(p, List.of());
        }
        return work;
    }

    @Test
    void aWaitForTheDpkgLockIsInTheReportWithWhoHeldIt() throws Exception {
        context.answer(APT_GET, 0, WAITING + WAITING + WAITING + "Reading package lists...\n", "");
        assertEquals(Map.of(), new PackageProvider(Duration.ofMinutes(10)).applyBatch(work(nginx), context));
        assertEquals("DPkg::Lock::Timeout=600", context.commands.get(0).get(context.commands.get(0).indexOf("nginx") - 1));
        assertEquals(List.of("INFO package: waited about 3 s for the dpkg lock, held by process 812 (unattended-upgr)"), context.log);
    }

    @Test
    void aLockHeldThroughoutFailsEachPackageOnceWithoutOneByOneRetries() throws Exception {
        context.answer(APT_GET, 100, WAITING + WAITING, "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process"
                + " 812 (unattended-upgr)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another"
                + " process using it?\n");
        String reason = "the dpkg lock was held by process 812 (unattended-upgr) for all of the 300 s the agent waits"
                + " (dpkg_lock_timeout in agent.yaml); nothing was installed or removed, and the next run tries again";
        assertEquals(Map.of(nginx, reason, curl, reason), provider.applyBatch(work(nginx, curl), context));
        assertEquals(1, context.commands.size(), "no one-by-one retries: they would only wait for the same lock");
        assertEquals(List.of(), context.log, "a wait that failed is the failure, not a note besides it");
    }

    @Test
    void anInterruptedDpkgIsFinishedAndTheCallTriedOnceMore() throws Exception {
        context.answerOnce(APT_GET, 100, "", "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the"
                + " problem.\n");
        assertEquals(Map.of(), provider.applyBatch(work(nginx, curl), context));
        assertEquals(3, context.commands.size(), context.commands.toString());
        assertEquals(List.of("dpkg", "--configure", "-a", "--force-confdef", "--force-confold"), context.commands.get(1));
        assertEquals("noninteractive", context.environments.get(1).get("DEBIAN_FRONTEND"));
        assertEquals(context.commands.get(0), context.commands.get(2));
        assertEquals(List.of("INFO package: an interrupted dpkg run was found and finished with 'dpkg --configure -a'"), context.log);
    }

    @Test
    void aDpkgThatStaysBrokenFailsEachPackageOnce() throws Exception {
        String broken = "E: dpkg was interrupted, you must manually run 'dpkg --configure -a' to correct the problem.\n";
        context.answer(APT_GET, 100, "", broken).answer(List.of("dpkg", "--configure"), 1, "", "dpkg: error processing package x\n");
        Map<PackageResource, String> failures = provider.applyBatch(work(nginx, curl), context);
        assertEquals(2, failures.size());
        assertEquals("apt-get exited with 100: " + broken.strip(), failures.get(nginx));
        assertEquals(3, context.commands.size(), "apt-get, dpkg --configure -a, apt-get once more, and no more");
        assertEquals(List.of("WARNING package: an interrupted dpkg run was found and finished with 'dpkg --configure -a', which"
                + " failed: dpkg exited with 1: dpkg: error processing package x"), context.log);
    }


    @Test
    void aLockAptDidNotWaitForIsAptsOwnError() throws Exception {
        context.answer(APT_GET, 100, "", "E: Could not get lock /var/cache/apt/archives/lock. It is held by process 77 (apt-get)\n");
        assertEquals(Map.of(nginx, "apt-get exited with 100: E: Could not get lock /var/cache/apt/archives/lock. It is held by"
                + " process 77 (apt-get)"), provider.applyBatch(work(nginx), context));
        assertEquals(List.of(), context.log);
    }

}
