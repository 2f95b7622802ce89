package io.kraftwerk.agent.provider.packages;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.provider.Batching;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.PackageResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code package}: dpkg-query reads every catalog package in one call; apt-get installs and removes
 * everything that is ready in one call. Removal keeps configuration files (remove, not purge).
 */
public final class PackageProvider implements Provider<PackageResource>, Batching<PackageResource> {
    static final Map<String, String> APT_ENV = Map.of("DEBIAN_FRONTEND", "noninteractive", "APT_LISTCHANGES_FRONTEND", "none");
    private static final List<String> APT_OPTIONS = List.of("-y", "-q", "-o", "Dpkg::Options::=--force-confdef",
            "-o", "Dpkg::Options::=--force-confold", "--allow-downgrades");

    /** dpkg's view of one package: its version and status abbreviation ("ii ", "rc ", …). */
    record Status(String version, String abbrev) {
        boolean installed() {
            return abbrev.startsWith("ii") || abbrev.startsWith("hi");
        }
    }

    private final Map<String, Status> cache = new HashMap<>();
    private final List<String> known = new ArrayList<>();
    private long generation = -1;

    @Override
    public Class<PackageResource> resourceClass() {
        return PackageResource.class;
    }

    @Override
    public Desired desired(PackageResource p) {
        return new Desired().ensure(p.ensure() == Ensure.PRESENT ? "present" : "absent").plain("version", p.version());
    }

    @Override
    public void prefetch(List<PackageResource> resources, ProviderContext context) throws IOException {
        known.clear();
        resources.forEach(p -> known.add(p.name()));
        read(context);
    }

    @Override
    public Observed observe(PackageResource p, ProviderContext context) throws IOException {
        if (!known.contains(p.name())) {
            known.add(p.name());
            generation = -1;
        }
        if (generation != context.generation()) {
            read(context);
        }
        Status status = cache.get(p.name());
        if (status == null || status.abbrev().startsWith("un") || status.abbrev().startsWith("rc")
                || status.abbrev().startsWith("pn")) {
            return Observed.absent();
        }
        String ensure = status.installed() ? "present" : "broken (dpkg status '" + status.abbrev().strip() + "')";
        return new Observed().put(Desired.ENSURE, ensure).put("version", status.version());
    }

    private void read(ProviderContext context) throws IOException {
        cache.clear();
        generation = context.generation();
        if (known.isEmpty()) {
            return;
        }
        List<String> argv = new ArrayList<>(List.of("dpkg-query", "--show", "--showformat",
                "${binary:Package}\\t${Package}\\t${Version}\\t${db:Status-Abbrev}\\n"));
        argv.addAll(known);
        // exit status 1 only means some names are unknown to dpkg: those are simply not installed
        CommandResult result = context.runner().run(argv);
        for (String line : result.stdout().split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length == 4) {
                Status status = new Status(f[2], f[3]);
                cache.put(f[1], status);
                cache.put(f[0], status);
            }
        }
    }

    @Override
    public boolean apply(PackageResource p, List<Change> changes, ProviderContext context) throws Exception {
        String failure = applyBatch(Map.of(p, changes), context).get(p);
        if (failure != null) {
            throw new ProviderException(failure);
        }
        return false;
    }

    @Override
    public Map<PackageResource, String> applyBatch(Map<PackageResource, List<Change>> changes, ProviderContext context)
            throws IOException {
        List<PackageResource> all = new ArrayList<>(changes.keySet());
        CommandResult result = context.runner().run(aptGet(all), APT_ENV, null);
        if (result.succeeded()) {
            return Map.of();
        }
        if (all.size() == 1) {
            return Map.of(all.get(0), result.describeFailure());
        }
        // one bad package fails the whole call: retry one by one to know which
        Map<PackageResource, String> failures = new LinkedHashMap<>();
        for (PackageResource p : all) {
            CommandResult single = context.runner().run(aptGet(List.of(p)), APT_ENV, null);
            if (!single.succeeded()) {
                failures.put(p, single.describeFailure());
            }
        }
        return failures;
    }

    /** {@code apt-get install … name name=version name-}: one command installs and removes. */
    static List<String> aptGet(List<PackageResource> packages) {
        List<String> argv = new ArrayList<>(List.of("apt-get", "install"));
        argv.addAll(APT_OPTIONS);
        for (PackageResource p : packages) {
            if (p.ensure() == Ensure.ABSENT) {
                argv.add(p.name() + "-");
            } else {
                argv.add(p.version() == null ? p.name() : p.name() + "=" + p.version());
            }
        }
        return argv;
    }
}
