package io.kraftwerk.master.store;

import io.kraftwerk.master.manifest.Diagnostic;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Compile errors the master meets: which environment and commit, which node (or none, for errors
 * in the manifests as a whole), and every diagnostic — logged and stored once each (an agent
 * retrying a broken commit every run does not fill the log), read back from the database.
 */
@ApplicationScoped
public class CompileErrors {
    private static final Logger LOG = Logger.getLogger(CompileErrors.class);
    static final int KEEP = 500;

    /** One failed compile. */
    public record Entry(String environment, String commit, String node, List<String> errors, Instant at) {
    }

    @Inject
    CompileErrorStore store;

    @Inject
    Announcements announcements;

    private final Deque<Entry> entries = new ArrayDeque<>();

    public void record(String environment, String commit, String node, List<Diagnostic> diagnostics) {
        List<String> errors = diagnostics.stream().map(Diagnostic::toString).toList();
        Entry entry = new Entry(environment, commit, node, errors, Instant.now());
        synchronized (this) {
            for (Entry seen : entries) {
                if (seen.environment().equals(environment) && seen.commit().equals(commit)
                        && Objects.equals(seen.node(), node) && seen.errors().equals(errors)) {
                    return; // the same failure again (every run of that node): once in the log and the database is enough
                }
            }
            entries.addFirst(entry);
            while (entries.size() > KEEP) {
                entries.removeLast();
            }
        }
        LOG.errorf("compile of %s at %s (%s) failed:%n  %s", node == null ? "the manifests" : node, commit,
                environment, String.join("\n  ", errors));
        store.record(environment, commit, node, errors, entry.at());
        announcements.compileFailed(new CompileFailed(environment, commit, node, errors));
    }
}
