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
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.resource.PackageResource;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code package}: dpkg-query reads every catalog package in one call; apt-get installs and removes
 * everything that is ready in one call. Removal keeps configuration files (remove, not purge).
 *
 * <p>Nodes are busy: unattended-upgrades' daily run holds the dpkg lock for minutes. apt-get waits
 * for the lock itself ({@code DPkg::Lock::Timeout}), and the report says how long it waited and who
 * held it; a dpkg that was interrupted is finished with {@code dpkg --configure -a} and the call
 * tried once more. Such a failure is the node's, not a package's, so it is reported once per
 * package, not again by one-by-one retries that would only meet the same lock.
 */
public final class PackageProvider implements Provider<PackageResource>, Batching<PackageResource> {
    static final Map<String, String> APT_ENV = Map.of("DEBIAN_FRONTEND", "noninteractive", "APT_LISTCHANGES_FRONTEND", "none");
    private static final List<String> APT_OPTIONS = List.of("-y", "-q", "-o", "Dpkg::Options::=--force-confdef",
            "-o", "Dpkg::Options::=--force-confold", "--allow-downgrades");
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(5);

    private final Duration lockTimeout;

    /** @param lockTimeout how long apt-get waits for another apt or dpkg to let go of the dpkg lock */
    public PackageProvider(Duration lockTimeout) {
        this.lockTimeout = lockTimeout;
    }

    public PackageProvider() {
        this(DEFAULT_LOCK_TIMEOUT);
    }

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
        CommandResult result = aptGet(all, context);
        if (!result.succeeded() && AptOutput.interrupted(result)) {
            // apt refuses to do anything until the interrupted dpkg run is finished: finish it, try once more
            CommandResult repair = context.runner().run(List.of("dpkg", "--configure", "-a", "--force-confdef", "--force-confold"),
                    APT_ENV, null);
            context.log(repair.succeeded() ? LogLine.Level.INFO : LogLine.Level.WARNING, "package",
                    "an interrupted dpkg run was found and finished with 'dpkg --configure -a'"
                            + (repair.succeeded() ? "" : ", which failed: " + repair.describeFailure()));
            result = aptGet(all, context);
        }
        if (result.succeeded()) {
            return Map.of();
        }
        Map<PackageResource, String> failures = new LinkedHashMap<>();
        AptOutput.LockWait wait = AptOutput.lockWait(result);
        boolean locked = wait != null && wait.gaveUp();
        if (all.size() == 1 || locked || AptOutput.interrupted(result)) {
            // the node's failure, not a package's: every package of the call fails with it, once
            String reason = locked ? wait.failure(lockTimeout) : result.describeFailure();
            all.forEach(p -> failures.put(p, reason));
            return failures;
        }
        // one bad package fails the whole call: retry one by one to know which
        for (PackageResource p : all) {
            CommandResult single = aptGet(List.of(p), context);
            if (!single.succeeded()) {
                failures.put(p, single.describeFailure());
            }
        }
        return failures;
    }

    /** Runs apt-get for {@code packages}; a wait for the dpkg lock goes into the report's log. */
    private CommandResult aptGet(List<PackageResource> packages, ProviderContext context) throws IOException {
        CommandResult result = context.runner().run(aptGet(packages, lockTimeout), APT_ENV, null);
        AptOutput.LockWait wait = AptOutput.lockWait(result);
        if (wait != null && !wait.gaveUp()) {
            context.log(LogLine.Level.INFO, "package", wait.waited());
        }
        return result;
    }

    /** {@code apt-get install … name name=version name-}: one command installs and removes. */
    static List<String> aptGet(List<PackageResource> packages, Duration lockTimeout) {
        List<String> argv = new ArrayList<>(List.of("apt-get", "install"));
        argv.addAll(APT_OPTIONS);
        argv.addAll(List.of("-o", "DPkg::Lock::Timeout=" + lockTimeout.toSeconds()));
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
