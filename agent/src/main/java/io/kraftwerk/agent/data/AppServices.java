package io.kraftwerk.agent.data;

import io.kraftwerk.agent.exec.CommandResult;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.agent.provider.release.ReleaseBook;
import io.kraftwerk.agent.provider.release.Releases;
import io.kraftwerk.agent.provider.runit.RunitSupervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /**
     * Stops each that runs (gracefully, then killed after the service timeout), and returns those, for
     * {@link #start}: one an operator took down ({@code sv down}) stays down.
     */
    List<String> stop(ProviderContext context) throws IOException, DataException {
        List<String> stopped = new ArrayList<>();
        for (String dir : directories) {
            if (!running(dir, context)) {
                continue;
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

    /** Whether runit supervises the service and it runs (runsv's own record: {@code supervise/stat} says "run"). */
    private static boolean running(String dir, ProviderContext context) throws IOException {
        Path stat = context.path(dir + "/supervise/stat");
        return Files.exists(context.path(dir + "/supervise/ok")) && Files.isRegularFile(stat)
                && Files.readString(stat).strip().equals("run");
    }

    /** After a failure: starts what was stopped, adding what goes wrong to the failure instead of hiding it. */
    static void startAfter(List<String> stopped, ProviderContext context, Exception failure) {
        try {
            start(stopped, context);
        } catch (IOException | DataException e) {
            failure.addSuppressed(e);
        }
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
