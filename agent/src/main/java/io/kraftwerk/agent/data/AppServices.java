package io.kraftwerk.agent.data;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.release.ReleaseBook;
import io.kraftwerk.agent.provider.release.Releases;
import io.kraftwerk.agent.provider.runit.RunitSupervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * The running services of an app's live release (its web process and each of its processes), to
 * stop while its data is read or replaced and to start again after: no write can land between two
 * files of a dump, or in a data dir being swapped. An app with no live release has nothing to stop.
 */
final class AppServices {
    private final List<String> directories;

    private AppServices(List<String> directories) {
        this.directories = directories;
    }

    /** The live release's services of {@code app}, as its release book records them. */
    static AppServices live(AppData app, Releases releases) throws IOException, ProviderException {
        ReleaseBook book = releases.book(app.app(), app.release().root());
        List<String> dirs = new ArrayList<>();
        book.live().ifPresent(live -> {
            dirs.add(RunitSupervisor.SV + app.app() + "@" + live.id());
            live.processes().forEach(p -> dirs.add(RunitSupervisor.SV + app.app() + "." + p + "@" + live.id()));
        });
        return new AppServices(dirs);
    }

    boolean isEmpty() {
        return directories.isEmpty();
    }

    /** Stops each (gracefully, then killed after the service timeout); the ones that were running are started by {@link #start}. */
    List<String> stop(ProviderContext context) throws IOException, DataException {
        List<String> stopped = new ArrayList<>();
        for (String dir : directories) {
            if (!Files.exists(context.path(dir + "/supervise/ok"))) {
                continue; // installed but not supervised: not running, nothing to stop or start
            }
            CommandResult result = context.runner().run(List.of("sv", "-w", String.valueOf(context.serviceTimeout().toSeconds()),
                    "force-stop", dir));
            if (!result.succeeded()) {
                start(stopped, context);
                throw new DataException("cannot stop " + dir + " (" + result.describeFailure() + "); nothing was changed");
            }
            stopped.add(dir);
        }
        return stopped;
    }

    /** Starts the services {@link #stop} stopped, each waited for; says which did not come up. */
    static void start(List<String> stopped, ProviderContext context) throws IOException, DataException {
        List<String> failed = new ArrayList<>();
        for (String dir : stopped) {
            CommandResult result = context.runner().run(List.of("sv", "-w", String.valueOf(context.serviceTimeout().toSeconds()),
                    "start", dir));
            if (!result.succeeded()) {
                failed.add(dir + " (" + result.describeFailure().lines().findFirst().orElse("") + ")");
            }
        }
        if (!failed.isEmpty()) {
            throw new DataException("the app's services did not come back: " + String.join(", ", failed)
                    + "; see their logs, and start them with sv start");
        }
    }
}
