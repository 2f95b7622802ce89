package io.kraftwerk.agent.run;

import io.kraftwerk.agent.client.CatalogCache;
import io.kraftwerk.agent.engine.AgentContext;
import io.kraftwerk.agent.engine.RunLock;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.release.ReleaseBook;
import io.kraftwerk.agent.provider.release.Releases;
import io.kraftwerk.agent.provider.release.WsgiReleaseProvider;
import io.kraftwerk.agent.provider.runit.RunitSupervisor;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code kw-agent releases APP} and {@code kw-agent rollback APP [--to ID]}: what the node keeps of
 * an app's releases, and switching back to one of them through the same health gate, under the run
 * lock so no run switches at the same moment. A rollback pins the release until the manifest's
 * release changes; the runs in between report the pin as drift.
 */
public final class ReleaseCommands {
    private final Host host;
    private final AgentPaths paths;

    public ReleaseCommands(Host host, AgentPaths paths) {
        this.host = host;
        this.paths = paths;
    }

    private WsgiReleaseProvider provider() {
        return new WsgiReleaseProvider(new RunitSupervisor(), paths.stateDir());
    }

    /** Lists the releases, newest first. @return the exit status */
    public int list(String app, PrintStream out, PrintStream err) {
        try {
            Releases releases = provider().releases();
            ReleaseBook book = releases.book(app, null);
            if (book.releases().isEmpty()) {
                err.println("kw-agent releases: this node has no releases of '" + app + "' (none in "
                        + ReleaseBook.file(releases.bookDir(), app) + ")");
                return Exit.NOT_RUN;
            }
            out.printf("%-12s  %-8s  %-20s  %-20s  %s%n", "RELEASE", "STATE", "BUILT", "LIVE SINCE", "");
            for (ReleaseBook.Entry e : book.releases()) {
                String note = e.failure() == null ? "" : e.failure().lines().findFirst().orElse("");
                if (book.pin() != null && book.pin().release().equals(e.id())) {
                    note = "pinned by kw-agent rollback at " + book.pin().since() + " (the manifest asks for "
                            + book.pin().manifestRelease() + ")";
                }
                out.printf("%-12s  %-8s  %-20s  %-20s  %s%n", e.id(), e.state().name().toLowerCase(Locale.ROOT),
                        seconds(e.builtAt()), seconds(e.liveSince()), note);
            }
            return 0;
        } catch (Exception e) {
            err.println("kw-agent releases: " + e.getMessage());
            return Exit.NOT_RUN;
        }
    }

    /** Switches back to a kept release and pins it. @return the exit status */
    public int rollback(String app, String to, Duration lockTimeout, Duration serviceTimeout, PrintStream out, PrintStream err) {
        WsgiReleaseProvider provider = provider();
        try (RunLock lock = RunLock.acquire(paths.lock(), lockTimeout)) {
            AgentContext context = new AgentContext(host.runner(), host.root(), paths.backups(), host.clock(), serviceTimeout);
            context.onLog(line -> err.println("kw-agent rollback: " + line.message()));
            Optional<WsgiReleaseResource> declared = new CatalogCache(paths.stateDir()).load()
                    .flatMap(c -> c.catalog().resources().stream().map(CatalogResource::resource)
                            .filter(r -> r instanceof WsgiReleaseResource w && w.name().equals(app))
                            .map(r -> (WsgiReleaseResource) r).findFirst());
            String manifestRelease = declared.map(r -> provider.desired(r).value("release")).orElse(null);
            Releases.Outcome outcome = provider.releases().rollback(app, to, manifestRelease, context);
            out.println(app + ": release " + outcome.to() + " is live again (its health check passed)"
                    + (outcome.from() == null ? "" : "; " + outcome.from() + " is stopped and kept") + ".");
            out.println("Pinned: runs keep release " + outcome.to() + " and report the manifest's release "
                    + (outcome.manifestRelease() == null ? "" : outcome.manifestRelease() + " ")
                    + "as drift until the manifest's release changes.");
            return 0;
        } catch (RunLock.BusyException | Releases.NoRollback e) {
            err.println("kw-agent rollback: " + e.getMessage());
            return Exit.NOT_RUN;
        } catch (ProviderException e) {
            err.println("kw-agent rollback: " + e.getMessage());
            return 4;
        } catch (Exception e) {
            err.println("kw-agent rollback: " + e.getMessage());
            return Exit.NOT_RUN;
        }
    }

    private static String seconds(String instant) {
        return instant == null ? "-" : instant.length() > 19 ? instant.substring(0, 19).replace('T', ' ') : instant;
    }
}
