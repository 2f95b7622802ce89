package io.kraftwerk.agent.provider.release;

import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.json.DocumentFormatException;
import io.kraftwerk.model.json.ModelJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the agent knows of an app's releases, kept root-only in {@code STATE/releases/NAME.json}:
 * each release's state and times, why a failed one failed (so it is not rebuilt every run), what
 * it was built from (no secret values), and a pin left by {@code kw-agent rollback}.
 *
 * @param app      the app
 * @param root     its directory (releases/ and current are in it)
 * @param pin      the release {@code kw-agent rollback} holds, or null
 * @param releases newest first
 */
public record ReleaseBook(String app, String root, Pin pin, List<Entry> releases) {

    public enum State {
        /** Built, never switched to (or stopped before it could be). */
        BUILT,
        /** Serving: ROOT/current points at it. */
        LIVE,
        /** Served before; kept for rollback, its services stopped. */
        PREVIOUS,
        /** Its build, start or health check failed; never switched to. */
        FAILED
    }

    /**
     * @param id         the release id
     * @param state      its state
     * @param builtAt    when it was built (or its build failed), ISO-8601
     * @param liveSince  when it was last switched to, or null
     * @param failure    why it failed, secrets cut; null unless failed
     * @param processes  the names of its processes beside the web one
     * @param sensitiveEnv the names of its env whose values are secret: cut from what a rollback shows
     * @param gate       the health check it passed (or failed), which a rollback to it passes again
     * @param summary    what it was built from, as the report shows it (requirements, module, …)
     */
    public record Entry(String id, State state, String builtAt, String liveSince, String failure, List<String> processes,
                        List<String> sensitiveEnv, Gate gate, Map<String, String> summary) {
        Entry with(State newState, String newLiveSince, String newFailure) {
            return new Entry(id, newState, builtAt, newLiveSince, newFailure, processes, sensitiveEnv, gate, summary);
        }
    }

    /**
     * A release's health check.
     *
     * @param path    the URL path; null: any answer but a server error on {@code /}
     * @param status  the expected status; null: any 2xx or 3xx
     * @param body    text the body must contain; null: any
     * @param seconds how long a starting release gets
     */
    public record Gate(String path, Integer status, String body, int seconds) {
    }

    /**
     * @param release          the pinned release
     * @param manifestRelease  the release the manifest asked for when it was pinned: the pin holds
     *                         until the manifest asks for another
     * @param since            when, ISO-8601
     */
    public record Pin(String release, String manifestRelease, String since) {
    }

    public ReleaseBook {
        releases = List.copyOf(releases);
    }

    static ReleaseBook empty(String app, String root) {
        return new ReleaseBook(app, root, null, List.of());
    }

    public static Path file(Path dir, String app) {
        return dir.resolve(app + ".json");
    }

    /** The app's book; an empty one (under {@code root}) when there is none yet. */
    public static ReleaseBook load(Path dir, String app, String root) throws IOException, ProviderException {
        Path file = file(dir, app);
        if (!Files.isRegularFile(file)) {
            return empty(app, root);
        }
        try {
            return ModelJson.bind(Files.readAllBytes(file), ReleaseBook.class, file.toString());
        } catch (DocumentFormatException e) {
            throw new ProviderException("the agent's record of " + app + "'s releases is damaged: " + String.join("; ", e.problems())
                    + " (move " + file + " away: the releases on disk stay, the next run starts a new record)");
        }
    }

    public void save(Path dir, FsOps fs) throws IOException, ProviderException {
        Files.createDirectories(dir);
        fs.writeAtomically(file(dir, app), ModelJson.writeBytes(this), null, null, "0600");
    }

    public Optional<Entry> entry(String id) {
        return releases.stream().filter(e -> e.id().equals(id)).findFirst();
    }

    public Optional<Entry> live() {
        return releases.stream().filter(e -> e.state() == State.LIVE).findFirst();
    }

    /** This book with the entry put first (replacing one of the same id). */
    ReleaseBook with(Entry entry) {
        List<Entry> out = new ArrayList<>();
        out.add(entry);
        releases.stream().filter(e -> !e.id().equals(entry.id())).forEach(out::add);
        return new ReleaseBook(app, root, pin, out);
    }

    ReleaseBook withRoot(String newRoot) {
        return new ReleaseBook(app, newRoot, pin, releases);
    }

    ReleaseBook withPin(Pin newPin) {
        return new ReleaseBook(app, root, newPin, releases);
    }

    /** This book without the failures of releases other than {@code id}: those are tried again when asked for again. */
    ReleaseBook withoutFailedBut(String id) {
        return new ReleaseBook(app, root, pin, releases.stream().filter(e -> e.state() != State.FAILED || e.id().equals(id)).toList());
    }

    ReleaseBook without(String id) {
        return new ReleaseBook(app, root, pin, releases.stream().filter(e -> !e.id().equals(id)).toList());
    }

    /** The kept releases that are not failed, most recently live (or built) first. */
    List<Entry> usable() {
        return releases.stream().filter(e -> e.state() != State.FAILED)
                .sorted(Comparator.comparing((Entry e) -> e.liveSince() == null ? e.builtAt() : e.liveSince()).reversed())
                .toList();
    }
}
