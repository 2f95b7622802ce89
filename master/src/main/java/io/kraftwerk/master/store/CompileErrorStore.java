package io.kraftwerk.master.store;

import io.kraftwerk.master.store.entity.StoredCompileError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import org.hibernate.Session;

/** Compile errors, kept for the dashboard's environment view. */
@ApplicationScoped
public class CompileErrorStore {
    @Inject
    Session session;

    /** One failed compile as stored. */
    public record Entry(String environment, String commit, String node, List<String> errors, Instant at) {
    }

    @Transactional
    public void record(String environment, String commit, String node, List<String> errors, Instant at) {
        StoredCompileError e = new StoredCompileError();
        e.environment = environment;
        e.commit = commit;
        e.certname = node;
        e.errors = String.join("\n", errors);
        e.recordedAt = at;
        session.persist(e);
    }

    /** Newest first; all environments when {@code environment} is null. */
    @Transactional
    public List<Entry> latest(String environment, int limit) {
        return session.createSelectionQuery("from StoredCompileError e where (:env is null or e.environment = :env)"
                        + " order by e.recordedAt desc, e.id desc", StoredCompileError.class)
                .setParameter("env", environment).setMaxResults(limit).getResultList().stream()
                .map(e -> new Entry(e.environment, e.commit, e.certname, List.of(e.errors.split("\n")), e.recordedAt)).toList();
    }
}
