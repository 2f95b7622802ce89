package io.kraftwerk.master.serve;

import io.kraftwerk.master.manifest.Diagnostic;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Compile errors the master met, newest first, for the log and the dashboard: which environment
 * and commit, which node (or none, for errors in the manifests as a whole), and every diagnostic.
 */
@ApplicationScoped
public class CompileErrors {
    private static final Logger LOG = Logger.getLogger(CompileErrors.class);
    static final int KEEP = 500;

    /** One failed compile. */
    public record Entry(String environment, String commit, String node, List<String> errors, Instant at) {
    }

    private final Deque<Entry> entries = new ArrayDeque<>();

    public synchronized void record(String environment, String commit, String node, List<Diagnostic> diagnostics) {
        List<String> errors = diagnostics.stream().map(Diagnostic::toString).toList();
        Entry last = entries.peekFirst();
        if (last != null && last.environment().equals(environment) && last.commit().equals(commit)
                && java.util.Objects.equals(last.node(), node) && last.errors().equals(errors)) {
            return; // the same failure again: once in the log is enough
        }
        entries.addFirst(new Entry(environment, commit, node, errors, Instant.now()));
        while (entries.size() > KEEP) {
            entries.removeLast();
        }
        LOG.errorf("compile of %s at %s (%s) failed:%n  %s", node == null ? "the manifests" : node, commit,
                environment, String.join("\n  ", errors));
    }

    public synchronized List<Entry> latest(int limit) {
        return entries.stream().limit(limit).toList();
    }
}
