package io.kraftwerk.agent.provider.release;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.ReportText;
import io.kraftwerk.agent.provider.release.ReleaseBook.Entry;
import io.kraftwerk.agent.provider.release.ReleaseBook.Gate;
import io.kraftwerk.agent.provider.release.ReleaseBook.State;
import io.kraftwerk.agent.provider.runit.HttpProbe;
import io.kraftwerk.agent.provider.runit.RunitSupervisor;
import io.kraftwerk.agent.provider.runit.ServiceSpec;
import io.kraftwerk.model.report.LogLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Switching an app between releases that are built: start the release's gunicorn on its own socket,
 * ask its health check there, start its processes, point {@code ROOT/current} at it (one rename:
 * nginx's next connection goes to the new socket), wait until the old socket holds no connection
 * nginx made before the switch, then stop the old release gracefully and keep it for rollback. A
 * release that does not come up healthy is stopped again and the live one never stops serving.
 * Used by the provider for the manifest's release and by {@code kw-agent rollback} for a kept one.
 */
public final class Releases {
    /** How often the old socket's queue is looked at while it drains. */
    private static final Duration DRAIN_POLL = Duration.ofMillis(50);
    private final RunitSupervisor runit;
    private final Path bookDir;

    public Releases(RunitSupervisor runit, Path bookDir) {
        this.runit = runit;
        this.bookDir = bookDir;
    }

    public Path bookDir() {
        return bookDir;
    }

    public ReleaseBook book(String app, String root) throws IOException, ProviderException {
        return ReleaseBook.load(bookDir, app, root);
    }

    /** The release ROOT/current points at, if it is a link into ROOT/releases. */
    static Optional<String> current(ReleaseLayout layout, ProviderContext context) throws IOException {
        Path link = context.path(layout.current());
        if (!Files.isSymbolicLink(link)) {
            return Optional.empty();
        }
        String target = Files.readSymbolicLink(link).toString();
        return target.startsWith("releases/") && target.indexOf('/', "releases/".length()) < 0
                ? Optional.of(target.substring("releases/".length())) : Optional.empty();
    }

    /**
     * Starts a built release, gates it, switches to it and retires the live one.
     *
     * @param web       the release's gunicorn
     * @param processes its processes
     * @param install   write the services' files afresh (false: a rollback resumes them as they were kept)
     * @param built     the release was built by this run: if it fails, it is removed and recorded as failed
     * @return the book after the switch (saved)
     * @throws ProviderException when it did not come up healthy: it is stopped, recorded as failed,
     *                           and the message says which release still serves
     */
    ReleaseBook switchTo(ReleaseBook book, ReleaseLayout layout, Entry target, ServiceSpec web, List<ServiceSpec> processes,
                         boolean install, boolean built, ProviderContext context)
            throws IOException, ProviderException, InterruptedException {
        Optional<Entry> live = book.live();
        String serving = live.map(e -> e.id() + " still serving").orElse("no release was serving");
        try {
            if (install) {
                runit.start(web, context);
            } else {
                runit.resume(web, context);
            }
            String problem = probe(layout, target.id(), target.gate());
            if (problem != null) {
                throw new ReleaseFailed("release " + target.id() + " failed its health check; " + serving + ": " + problem
                        + RunitSupervisor.logTail(web, context));
            }
            for (ServiceSpec p : processes) {
                if (install) {
                    runit.start(p, context);
                } else {
                    runit.resume(p, context);
                }
            }
        } catch (ProviderException | IOException e) {
            stopQuietly(web, processes, context);
            String why = ReportText.withoutSecrets(e instanceof ProviderException ? e.getMessage()
                    : "release " + target.id() + " could not be started; " + serving + ": " + e.getMessage(), web.env(), web.sensitiveEnv());
            if (built && e instanceof ReleaseFailed) {
                // a new release that failed its gate is not kept: its record says why, so it is not rebuilt every run
                save(book.with(target.with(State.FAILED, null, why)), context);
                try {
                    remove(layout, target, context);
                } catch (IOException | ProviderException left) {
                    context.log(LogLine.Level.WARNING, "release", "could not remove the files of failed release " + target.id()
                            + ": " + left.getMessage());
                }
            }
            throw e instanceof ReleaseFailed ? new ReleaseFailed(why) : new ProviderException(why);
        }
        link(layout, target.id(), context);
        // nginx now reaches the new release: the record says so before anything else can fail
        String now = context.clock().instant().toString();
        ReleaseBook after = book.with(target.with(State.LIVE, now, null));
        Optional<Entry> old = live.filter(e -> !e.id().equals(target.id()));
        if (old.isPresent()) {
            after = after.with(old.get().with(State.PREVIOUS, old.get().liveSince(), null)).with(after.entry(target.id()).orElseThrow());
        }
        save(after, context);
        if (old.isPresent()) {
            retire(layout, old.get(), context);
        }
        return after;
    }

    /**
     * Drains and stops a release that no longer serves. It no longer gets requests, so what goes
     * wrong here is a warning: the next run parks whatever still runs ({@link #settle}).
     */
    private void retire(ReleaseLayout layout, Entry old, ProviderContext context) throws InterruptedException {
        try {
            drain(layout, old.id(), context);
            park(layout, old, context);
        } catch (IOException | ProviderException e) {
            context.log(LogLine.Level.WARNING, "release", "release " + old.id() + " no longer serves, but stopping it failed: "
                    + e.getMessage() + " (the next run stops it)");
        }
    }

    /**
     * Makes the record agree with the node before anything is decided: the release ROOT/current
     * points at is the live one, and any other that the record still calls live (a run stopped
     * between the switch and the save, or a retire that failed) is parked and called previous.
     */
    ReleaseBook settle(ReleaseBook book, ReleaseLayout layout, String current, ProviderContext context)
            throws IOException, ProviderException, InterruptedException {
        ReleaseBook out = book;
        for (Entry e : book.releases()) {
            boolean serviceLinked = Files.isSymbolicLink(context.path(RunitSupervisor.SERVICE + layout.webService(e.id())));
            if (!e.id().equals(current) && (e.state() == State.LIVE || serviceLinked && e.state() != State.FAILED)) {
                retire(layout, e, context);
                out = out.with(e.with(State.PREVIOUS, e.liveSince(), null));
            }
        }
        Optional<Entry> live = out.entry(current);
        if (live.isPresent() && live.get().state() != State.LIVE) {
            out = out.with(live.get().with(State.LIVE, live.get().liveSince(), null));
        }
        return out;
    }

    /** Points ROOT/current at the release: a new link renamed over the old one, so there is no moment without one. */
    private static void link(ReleaseLayout layout, String id, ProviderContext context) throws IOException, ProviderException {
        Path current = context.path(layout.current());
        if (Files.exists(current, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(current)) {
            throw new ProviderException(layout.current() + " is not a link; Kraftwerk leaves it alone (move it away so the"
                    + " current release can be linked there)");
        }
        Path socketLink = context.path(layout.socketLink(id));
        if (!Files.isSymbolicLink(socketLink)) {
            Files.deleteIfExists(socketLink);
            Files.createSymbolicLink(socketLink, Path.of(layout.socket(id)));
        }
        Path temp = current.resolveSibling(".current.kw-tmp");
        Files.deleteIfExists(temp);
        Files.createSymbolicLink(temp, Path.of("releases/" + id));
        Files.move(temp, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** A rollback that cannot start: no such release kept, or none to go back to. Nothing was changed. */
    public static final class NoRollback extends ProviderException {
        NoRollback(String message) {
            super(message);
        }
    }

    /**
     * What a rollback did.
     *
     * @param from            the release that served before, or null
     * @param to              the release serving now, pinned
     * @param manifestRelease the release the manifest asks for, which the pin holds off
     */
    public record Outcome(String from, String to, String manifestRelease) {
    }

    /**
     * Switches an app back to a kept release ({@code to}, or a unique start of its id; null: the
     * newest kept one that is not live), through the same health gate, and pins it.
     *
     * @param manifestRelease the release the manifest asks for (from the cached catalog); null: the live one
     */
    public Outcome rollback(String app, String to, String manifestRelease, ProviderContext context)
            throws IOException, ProviderException, InterruptedException {
        ReleaseBook book = book(app, null);
        Optional<Entry> live = book.live();
        if (book.root() == null || book.usable().isEmpty()) {
            throw new NoRollback("this node has no releases of '" + app + "' to roll back to");
        }
        ReleaseLayout layout = new ReleaseLayout(app, book.root());
        Entry target;
        if (to == null) {
            target = book.usable().stream().filter(e -> e.state() == State.PREVIOUS).findFirst().orElseThrow(() -> new NoRollback(
                    "'" + app + "' has no earlier release kept to roll back to (kw-agent releases " + app + " lists them)"));
        } else {
            List<Entry> matches = book.releases().stream().filter(e -> e.id().startsWith(to)).toList();
            if (matches.size() != 1) {
                throw new NoRollback((matches.isEmpty() ? "'" + app + "' has no release " : "more than one release of '" + app
                        + "' starts with ") + to + " (kw-agent releases " + app + " lists them)");
            }
            target = matches.get(0);
            if (target.state() == State.FAILED) {
                throw new NoRollback("release " + target.id() + " failed and is not kept: " + target.failure());
            }
            if (target.state() == State.LIVE) {
                throw new NoRollback("release " + target.id() + " is already live");
            }
        }
        if (!Files.isDirectory(context.path(RunitSupervisor.SV + layout.webService(target.id())))
                || !Files.isDirectory(context.path(layout.venv(target.id())))) {
            throw new NoRollback("release " + target.id() + " never served on this node, or its files are gone;"
                    + " only a release that served and is kept can be rolled back to");
        }
        List<ServiceSpec> processes = new ArrayList<>();
        target.processes().forEach(p -> processes.add(ReleaseServices.named(layout.processService(p, target.id()),
                layout.processLog(p, target.id()))));
        ReleaseBook after = switchTo(book, layout, target, ReleaseServices.named(layout.webService(target.id()),
                layout.webLog(target.id()), context, target.sensitiveEnv()), processes, false, false, context);
        String manifest = manifestRelease != null ? manifestRelease : live.map(Entry::id).orElse(null);
        save(after.withPin(new ReleaseBook.Pin(target.id(), manifest, context.clock().instant().toString())), context);
        return new Outcome(live.map(Entry::id).orElse(null), target.id(), manifest);
    }

    /**
     * Waits until the old release's socket holds no connection waiting to be accepted: nginx may
     * have connected to it just before the switch, and a graceful stop closes the socket, which
     * would drop what still waits in its queue. After the switch no new connection reaches it.
     */
    private void drain(ReleaseLayout layout, String id, ProviderContext context) throws InterruptedException {
        long deadline = System.nanoTime() + context.serviceTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            CommandResult ss;
            try {
                ss = context.runner().run(List.of("ss", "-xlnH", "src", layout.socket(id)));
            } catch (IOException e) {
                return; // no ss (iproute2) to ask: the graceful stop still lets accepted requests finish
            }
            String[] fields = ss.stdout().strip().split("\\s+");
            if (!ss.succeeded() || fields.length < 3 || fields[2].equals("0")) {
                return; // empty, gone, or no ss to ask: the graceful stop lets accepted requests finish
            }
            Thread.sleep(DRAIN_POLL.toMillis());
        }
        context.log(LogLine.Level.WARNING, "release", "the socket of release " + id + " still had connections waiting after "
                + context.serviceTimeout().toSeconds() + " s; stopping it anyway");
    }

    private void park(ReleaseLayout layout, Entry release, ProviderContext context) throws IOException, ProviderException {
        runit.park(ReleaseServices.named(layout.webService(release.id()), layout.webLog(release.id())), context);
        for (String p : release.processes()) {
            runit.park(ReleaseServices.named(layout.processService(p, release.id()), layout.processLog(p, release.id())), context);
        }
    }

    private void stopQuietly(ServiceSpec web, List<ServiceSpec> processes, ProviderContext context) {
        List<ServiceSpec> all = new ArrayList<>(processes);
        all.add(web);
        for (ServiceSpec s : all) {
            try {
                runit.park(s, context);
            } catch (IOException | ProviderException e) {
                context.log(LogLine.Level.WARNING, "release", "could not stop " + s.name() + ": " + e.getMessage());
            }
        }
    }

    /** Asks the release itself, on its own socket (not through nginx, which still serves the live one). */
    static String probe(ReleaseLayout layout, String id, Gate gate) throws InterruptedException {
        String bind = "unix:" + layout.socket(id);
        Duration timeout = Duration.ofSeconds(gate.seconds());
        HttpProbe probe = gate.path() == null ? HttpProbe.answering(bind, timeout)
                : new HttpProbe(bind, gate.path(), timeout, gate.status(), gate.body());
        return probe.check();
    }

    /**
     * Removes what is beyond the newest {@code keep} usable releases (the live one always stays):
     * their directories, services and logs. Failed ones are remembered (five at most) with no files.
     */
    ReleaseBook prune(ReleaseBook book, ReleaseLayout layout, int keep, ProviderContext context)
            throws IOException, ProviderException {
        ReleaseBook out = book;
        List<Entry> others = book.usable().stream().filter(e -> e.state() != State.LIVE).toList();
        int room = Math.max(0, keep - (book.live().isPresent() ? 1 : 0));
        for (Entry e : others.subList(Math.min(room, others.size()), others.size())) {
            remove(layout, e, context);
            out = out.without(e.id());
        }
        List<Entry> failed = out.releases().stream().filter(e -> e.state() == State.FAILED).toList();
        for (int i = 5; i < failed.size(); i++) {
            out = out.without(failed.get(i).id());
        }
        return out;
    }

    /** A release's files and services, gone. */
    void remove(ReleaseLayout layout, Entry release, ProviderContext context) throws IOException, ProviderException {
        runit.removeService(ReleaseServices.named(layout.webService(release.id()), layout.webLog(release.id())), context);
        for (String p : release.processes()) {
            runit.removeService(ReleaseServices.named(layout.processService(p, release.id()), layout.processLog(p, release.id())),
                    context);
        }
        for (String dir : List.of(layout.dir(release.id()), layout.webLog(release.id()))) {
            if (Files.exists(context.path(dir), LinkOption.NOFOLLOW_LINKS)) {
                context.check(List.of("rm", "-rf", "--one-file-system", "--", dir));
            }
        }
        for (String p : release.processes()) {
            if (Files.exists(context.path(layout.processLog(p, release.id())))) {
                context.check(List.of("rm", "-rf", "--one-file-system", "--", layout.processLog(p, release.id())));
            }
        }
        try {
            context.fs().delete(context.path(layout.socket(release.id())));
        } catch (IOException e) {
            // the socket's directory is the app's: whatever it made of the path is its own
            context.log(LogLine.Level.WARNING, "release", "could not remove " + layout.socket(release.id()) + ": " + e.getMessage());
        }
    }

    void save(ReleaseBook book, ProviderContext context) throws IOException, ProviderException {
        book.save(bookDir, context.fs());
    }
}
