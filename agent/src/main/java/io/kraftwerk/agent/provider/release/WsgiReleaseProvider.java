package io.kraftwerk.agent.provider.release;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Holding;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Property;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.Refreshable;
import io.kraftwerk.agent.provider.ReportText;
import io.kraftwerk.agent.provider.release.ReleaseBook.Entry;
import io.kraftwerk.agent.provider.release.ReleaseBook.Gate;
import io.kraftwerk.agent.provider.release.ReleaseBook.State;
import io.kraftwerk.agent.provider.runit.RunitSupervisor;
import io.kraftwerk.agent.provider.runit.ServiceSpec;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.resource.ArtifactRef;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code wsgi_release}: the app's code as releases (see {@link WsgiReleaseResource} and
 * {@link Releases}). Desired is the manifest's release and what it is built from; observed is the
 * live release and what it was built from, so noop shows the release that would be built and the
 * requirements that change. A release that failed is not built again until it changes or the run
 * says {@code --retry-failed}; a release pinned by {@code kw-agent rollback} is held, reported as
 * drift, until the manifest's release changes.
 */
public final class WsgiReleaseProvider implements Provider<WsgiReleaseResource>, Refreshable<WsgiReleaseResource>,
        Holding<WsgiReleaseResource> {
    static final String PIN = "pinned";
    private final RunitSupervisor runit;
    private final Releases releases;
    private final ReleaseKey key;

    /**
     * @param stateDir the agent's state directory: the releases' records and the node's release key live there
     */
    public WsgiReleaseProvider(RunitSupervisor runit, Path stateDir) {
        this.runit = runit;
        this.releases = new Releases(runit, stateDir.resolve("releases"));
        this.key = new ReleaseKey(stateDir.resolve("releases").resolve("release.key"));
    }

    @Override
    public Class<WsgiReleaseResource> resourceClass() {
        return WsgiReleaseResource.class;
    }

    @Override
    public Desired desired(WsgiReleaseResource r) {
        Desired d = new Desired().ensure(r.ensure() == Ensure.PRESENT ? "present" : "absent");
        if (r.ensure() == Ensure.ABSENT) {
            return d;
        }
        d.plain("release", ReleaseId.of(r, key));
        summary(r).forEach(d::plain);
        r.env().forEach((k, v) -> d.put(new Property("env." + k, v, r.sensitiveEnv().contains(k) ? Property.Kind.SECRET
                : Property.Kind.PLAIN)));
        d.plain("state", "running");
        // a rollback's pin that the manifest has moved past: an in-sync run drops it too, so it cannot hold again later
        return d.plain("pin", "none");
    }

    /** What a release is built from, as shown and kept: no env values (those are read from the service). */
    static Map<String, String> summary(WsgiReleaseResource r) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("requirements", String.join(", ", r.requirements()));
        if (!r.artifacts().isEmpty()) {
            List<String> files = new ArrayList<>();
            for (ArtifactRef a : r.artifacts()) {
                files.add(a.filename() + " (sha256 " + a.sha256().substring(0, 12) + ")");
            }
            s.put("artifacts", String.join(", ", files));
        }
        s.put("python", r.python());
        s.put("system_site_packages", String.valueOf(r.systemSitePackages()));
        s.put("module", r.module());
        s.put("workers", String.valueOf(r.workers()));
        s.put("timeout", String.valueOf(r.timeout()));
        s.put("user", r.user());
        if (r.group() != null) {
            s.put("group", r.group());
        }
        List<String> processes = new ArrayList<>();
        r.processes().forEach((name, argv) -> processes.add(name + ": " + String.join(" ", argv)));
        s.put("processes", String.join("; ", processes));
        return s;
    }

    @Override
    public Observed observe(WsgiReleaseResource r, ProviderContext context) throws IOException, ProviderException {
        ReleaseLayout layout = ReleaseLayout.of(r);
        ReleaseBook book = releases.book(r.name(), r.root());
        Optional<String> current = Releases.current(layout, context);
        if (current.isEmpty()) {
            return r.ensure() == Ensure.ABSENT && (!book.releases().isEmpty() || !services(layout, context).isEmpty())
                    ? new Observed().put("ensure", "present (no current release)") : Observed.absent();
        }
        String id = current.get();
        Observed o = new Observed().put("ensure", "present").put("release", id);
        Optional<Entry> entry = book.entry(id);
        entry.ifPresent(e -> e.summary().forEach(o::put));
        RunitSupervisor.env(layout.webService(id), context).forEach((k, v) -> o.put("env." + k, v));
        boolean running = runit.running(layout.webService(id), context);
        for (String p : entry.map(Entry::processes).orElse(List.of())) {
            running &= runit.running(layout.processService(p, id), context);
        }
        o.put("state", running ? "running" : "stopped");
        o.put("pin", "none");
        if (book.pin() != null) {
            o.put(PIN, book.pin().release() + " " + book.pin().manifestRelease() + " " + book.pin().since());
            if (!book.pin().manifestRelease().equals(ReleaseId.of(r, key))) {
                o.put("pin", book.pin().release() + " (kw-agent rollback at " + book.pin().since() + ")");
            }
        }
        return o;
    }

    @Override
    public String heldBecause(WsgiReleaseResource r, Desired desired, Observed observed) {
        String pin = observed.get(PIN);
        if (pin == null || desired.value("release") == null) {
            return null;
        }
        String[] parts = pin.split(" ");
        if (!parts[1].equals(desired.value("release")) || !parts[0].equals(observed.get("release"))) {
            return null; // the manifest asks for another release since (the pin is dropped), or the pinned one is not live
        }
        return "pinned to release " + parts[0] + " by kw-agent rollback at " + parts[2] + "; the manifest's release "
                + parts[1] + " is not deployed until the manifest's release changes (or: kw-agent rollback " + r.name()
                + " --to " + parts[1] + ")";
    }

    @Override
    public boolean apply(WsgiReleaseResource r, List<Change> changes, ProviderContext context)
            throws IOException, ProviderException, InterruptedException {
        ReleaseLayout layout = ReleaseLayout.of(r);
        ReleaseBook book = releases.book(r.name(), r.root()).withRoot(r.root());
        if (r.ensure() == Ensure.ABSENT) {
            removeAll(layout, book, context);
            return false;
        }
        String id = ReleaseId.of(r, key);
        if (book.pin() != null) {
            context.log(LogLine.Level.INFO, r.id().toString(), "the manifest's release changed: the pin to release "
                    + book.pin().release() + " (kw-agent rollback) is dropped");
            book = book.withPin(null);
        }
        // a failed release is remembered while the manifest asks for it; asked for again later, it is tried again
        book = book.withoutFailedBut(id);
        Optional<String> current = Releases.current(layout, context);
        if (current.isPresent()) {
            book = releases.settle(book, layout, current.get(), context);
        }
        if (changes.stream().allMatch(c -> c.property().equals("pin"))) {
            releases.save(book, context);
            return false;
        }
        ServiceSpec web = ReleaseServices.web(r, id);
        List<ServiceSpec> processes = ReleaseServices.processes(r, id);
        Optional<Entry> known = book.entry(id);
        if (current.isPresent() && current.get().equals(id)) {
            // live already (its record may be lost: the release is adopted as it is, never rebuilt under nginx)
            Entry live = known.orElse(new Entry(id, State.LIVE, context.clock().instant().toString(),
                    context.clock().instant().toString(), null, List.copyOf(r.processes().keySet()), r.sensitiveEnv(), gate(r), summary(r)));
            repairLive(r, web, processes, layout, live, changes, context);
            releases.save(book.with(live.with(State.LIVE, live.liveSince(), null)), context);
            return true;
        }
        if (known.isPresent() && known.get().state() == State.FAILED && !context.retryFailed()) {
            releases.save(book, context);
            throw new ProviderException(known.get().failure() + "\n(not built again: the agent retries release " + id
                    + " when the manifest's release changes, or with kw-agent run --retry-failed)");
        }
        if (!r.sensitiveEnv().isEmpty()) {
            key.keep(context.fs());
        }
        boolean build = known.isEmpty() || known.get().state() == State.FAILED || !ReleaseBuilder.built(layout, id, context);
        Entry entry = new Entry(id, State.BUILT, known.filter(e -> !build).map(Entry::builtAt)
                .orElse(context.clock().instant().toString()), known.map(Entry::liveSince).orElse(null), null,
                List.copyOf(r.processes().keySet()), r.sensitiveEnv(), gate(r), summary(r));
        if (build) {
            String serving = book.live().map(e -> e.id() + " still serving").orElse("no release was serving");
            try {
                ReleaseBuilder.build(r, id, context);
            } catch (ReleaseFailed e) {
                String why = ReportText.withoutSecrets("release " + id + " failed to build; " + serving + ": " + e.getMessage(),
                        r.env(), r.sensitiveEnv());
                releases.save(book.with(entry.with(State.FAILED, null, why)), context);
                throw new ReleaseFailed(why);
            } catch (ProviderException | IOException e) {
                // not the release's own fault (an artifact the master could not send, the disk): tried again next run
                releases.save(book, context);
                throw new ProviderException(ReportText.withoutSecrets("release " + id + " could not be built; " + serving + ": "
                        + e.getMessage(), r.env(), r.sensitiveEnv()));
            }
            releases.save(book.with(entry), context);
        }
        boolean firstDeployment = r.restoreFrom() != null && current.isEmpty()
                && book.releases().stream().allMatch(e -> e.liveSince() == null) && !Files.exists(servedMarker(r));
        if (firstDeployment) {
            restore(r, context);
        }
        book = releases.switchTo(book.with(entry), layout, entry, web, processes, true, build, context);
        if (firstDeployment) {
            context.fs().writeAtomically(servedMarker(r), ("the first release of " + r.name() + " served at " + context.clock().instant()
                    + "; its restore_from is not restored again on this node\n").getBytes(StandardCharsets.UTF_8), null, null, "0600");
        }
        releases.save(releases.prune(book, layout, r.keep(), context), context);
        return true;
    }

    /** The live release is the manifest's: its services are brought back up, or rewritten and restarted when edited by hand. */
    private void repairLive(WsgiReleaseResource r, ServiceSpec web, List<ServiceSpec> processes, ReleaseLayout layout, Entry live,
                            List<Change> changes, ProviderContext context) throws IOException, ProviderException, InterruptedException {
        boolean edited = changes.stream().anyMatch(c -> c.property().startsWith("env."));
        List<ServiceSpec> all = new ArrayList<>(processes);
        all.add(0, web);
        for (ServiceSpec s : all) {
            runit.start(s, context);
            if (edited) {
                runit.signal(s, "restart", context);
            }
        }
        String problem = Releases.probe(layout, live.id(), live.gate());
        if (problem != null) {
            throw new ProviderException(ReportText.withoutSecrets("release " + live.id() + " was restarted, but its health check failed: "
                    + problem + RunitSupervisor.logTail(web, context), r.env(), r.sensitiveEnv()));
        }
    }

    static Gate gate(WsgiReleaseResource r) {
        return new Gate(r.healthCheck(), r.healthStatus(), r.healthBody(), r.healthTimeout());
    }

    /** Every release of the app gone, and ROOT/current: the app stops serving. Its root and data stay. */
    private void removeAll(ReleaseLayout layout, ReleaseBook book, ProviderContext context) throws IOException, ProviderException {
        Files.deleteIfExists(context.path(layout.current()));
        for (Entry e : book.releases()) {
            releases.remove(layout, e, context);
        }
        for (String name : services(layout, context)) {
            runit.removeService(ReleaseServices.named(name, "/var/log/" + layout.app()), context);
        }
        if (Files.isDirectory(context.path(layout.releases()))) {
            context.check(List.of("rm", "-rf", "--one-file-system", "--", layout.releases()));
        }
        Files.deleteIfExists(ReleaseBook.file(releases.bookDir(), layout.app()));
    }

    /** The app's release services present under /etc/sv, whatever the book says. */
    /**
     * Kept when the first release of an app with restore_from has served, and kept when the app is
     * removed (its data stays): an app deployed again must not have its data replaced by the dump.
     */
    private Path servedMarker(WsgiReleaseResource r) {
        return releases.bookDir().resolve(r.name() + ".served");
    }

    /**
     * The app's first release on this node: its data comes from the dump restore_from names before the
     * release serves. Until a release has served, a restore that failed is tried again with the next
     * build; once one has, never again (that would replace the node's own data).
     */
    private static void restore(WsgiReleaseResource r, ProviderContext context) throws IOException, ProviderException,
            InterruptedException {
        String restored = context.restorer().restore(r, context);
        context.log(LogLine.Level.INFO, r.id().toString(), restored.isEmpty() ? "first deployment: no dump of "
                + r.restoreFrom().node() + "'s " + r.restoreFrom().app() + " to restore yet (restore_from); the app starts with its data"
                + " as it is" : "first deployment: " + restored);
    }

    private static List<String> services(ReleaseLayout layout, ProviderContext context) throws IOException {
        List<String> out = new ArrayList<>();
        Path sv = context.path(RunitSupervisor.SV);
        if (Files.isDirectory(sv)) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(sv)) {
                for (Path d : dirs) {
                    if (layout.ownsService(d.getFileName().toString())) {
                        out.add(d.getFileName().toString());
                    }
                }
            }
        }
        return out;
    }

    /** A notified release (a config file it reads changed): its processes restart, gunicorn reloads its workers gracefully. */
    @Override
    public String refresh(WsgiReleaseResource r, ProviderContext context) throws IOException, ProviderException, InterruptedException {
        ReleaseLayout layout = ReleaseLayout.of(r);
        Optional<String> current = Releases.current(layout, context);
        if (r.ensure() == Ensure.ABSENT || current.isEmpty()) {
            return "not reloaded: no release is live";
        }
        String id = current.get();
        ReleaseBook book = releases.book(r.name(), r.root());
        Entry live = book.entry(id).orElseThrow(() -> new ProviderException("release " + id + " is live but the agent has no"
                + " record of it; run kw-agent again to deploy the manifest's release"));
        for (String p : live.processes()) {
            runit.signal(ReleaseServices.named(layout.processService(p, id), layout.processLog(p, id)), "restart", context);
        }
        runit.signal(ReleaseServices.named(layout.webService(id), layout.webLog(id)), "hup", context);
        String problem = Releases.probe(layout, id, live.gate());
        if (problem != null) {
            throw new ProviderException(ReportText.withoutSecrets("release " + id + " was reloaded, but its health check failed: " + problem,
                    r.env(), r.sensitiveEnv()));
        }
        return "reloaded release " + id + " (gunicorn's workers replaced gracefully"
                + (live.processes().isEmpty() ? ")" : ", processes restarted)");
    }

    /** The releases and their switching, for kw-agent releases and rollback. */
    public Releases releases() {
        return releases;
    }
}
