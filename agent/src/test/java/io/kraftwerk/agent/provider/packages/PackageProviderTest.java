package io.kraftwerk.agent.provider.packages;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.RecordingContext;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.PackageResource;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PackageProviderTest {
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
        assertEquals(List.of(new Change("version", "7.88.1-10+deb12u12", "7.88.1-10+deb12u15", io.kraftwerk.agent.provider.Property.Kind.PLAIN)),
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
                "Dpkg::Options::=--force-confold", "--allow-downgrades", "nginx", "curl=7.88.1-10+deb12u15", "telnet-")),
                context.commands);
        assertEquals("noninteractive", context.environments.get(0).get("DEBIAN_FRONTEND"));
    }

    @Test
    void aFailedBatchIsRetriedOneByOneToNameTheCulprit() throws Exception {
        PackageResource ghost = new PackageResource("ghost", null, null);
        context.answer(List.of("apt-get", "install", "-y", "-q", "-o", "Dpkg::Options::=--force-confdef", "-o",
                "Dpkg::Options::=--force-confold", "--allow-downgrades", "nginx", "ghost"), 100, "", "E: Unable to locate package ghost\n");
        context.answer(List.of("apt-get", "install", "-y", "-q", "-o", "Dpkg::Options::=--force-confdef", "-o",
                "Dpkg::Options::=--force-confold", "--allow-downgrades", "ghost"), 100, "", "E: Unable to locate package ghost\n");
        Map<PackageResource, List<Change>> work = new LinkedHashMap<>();
        work.put(nginx, List.of());
        work.put(ghost, List.of());
        assertEquals(Map.of(ghost, "apt-get exited with 100: E: Unable to locate package ghost"),
                provider.applyBatch(work, context));
        assertEquals(3, context.commands.size());
    }
}
