package io.kraftwerk.master.git;

import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.compile.SiteParser;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.settings.MasterPaths;
import io.kraftwerk.master.store.CompileErrors;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import io.kraftwerk.master.manifest.ManifestException;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.lib.ObjectId;
import org.jboss.logging.Logger;

/**
 * The environments the master serves: every branch of the manifests repository, re-read when its
 * commit changes (polled, or on {@code POST /v1/environments/refresh}). Each commit is parsed once;
 * nodes are compiled from the parsed site.
 */
@ApplicationScoped
public class Environments {
    private static final Logger LOG = Logger.getLogger(Environments.class);

    @Inject
    MasterConfig config;

    @Inject
    CompileErrors errors;

    private final Map<String, EnvironmentState> states = new ConcurrentHashMap<>();
    /** Sites of commits other than the branches' heads (a diff's old side), the eight most recently used. */
    private final Map<String, Site> parsed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Site> eldest) {
            return size() > 8;
        }
    };
    private ManifestRepository repository;

    void start(@Observes StartupEvent event) throws Exception {
        repository = ManifestRepository.open(config.manifests(), new MasterPaths(config.dataDir()).manifestsMirror());
        refresh();
    }

    void stop(@Observes ShutdownEvent event) {
        if (repository != null) {
            repository.close();
        }
    }

    @Scheduled(every = "${kraftwerk.master.poll-interval}", delayed = "${kraftwerk.master.poll-interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        try {
            refresh();
        } catch (Exception e) {
            LOG.warnf("polling the manifests repository failed; serving what was loaded before: %s", e.getMessage());
        }
    }

    /** Reads new commits; returns the environments after the refresh. */
    public synchronized Map<String, EnvironmentState> refresh() throws Exception {
        Map<String, ObjectId> branches = repository.branches();
        states.keySet().retainAll(branches.keySet());
        for (Map.Entry<String, ObjectId> branch : branches.entrySet()) {
            String commit = branch.getValue().getName();
            EnvironmentState current = states.get(branch.getKey());
            if (current != null && current.commit().equals(commit)) {
                continue;
            }
            Site site = SiteParser.parse(repository.files(branch.getValue()));
            states.put(branch.getKey(), new EnvironmentState(branch.getKey(), commit, site, Instant.now()));
            LOG.infof("environment %s is now at %s%s", branch.getKey(), commit,
                    site.problems().isEmpty() ? "" : " (" + site.problems().size() + " errors in the manifests)");
            if (!site.problems().isEmpty()) {
                errors.record(branch.getKey(), commit, null, site.problems());
            }
            site.warnings().forEach(w -> LOG.warnf("environment %s at %s: %s", branch.getKey(), commit, w));
        }
        return Map.copyOf(states);
    }

    /**
     * The site at a revision (a branch, a commit id, {@code ~N}), parsed once and kept for the last few
     * asked for; empty when the revision names no commit.
     */
    public Optional<Site> site(String revision) throws IOException, ManifestException {
        Optional<ObjectId> commit = repository.resolve(revision);
        if (commit.isEmpty()) {
            return Optional.empty();
        }
        String id = commit.get().getName();
        for (EnvironmentState state : states.values()) {
            if (state.commit().equals(id)) {
                return Optional.of(state.site());
            }
        }
        synchronized (parsed) {
            Site site = parsed.get(id);
            if (site == null) {
                site = SiteParser.parse(repository.files(commit.get()));
                parsed.put(id, site);
            }
            return Optional.of(site);
        }
    }

    /** Whether {@code commit} descends from {@code ancestor}; empty when either is not in the repository (yet). */
    public Optional<Boolean> descends(String commit, String ancestor) throws IOException {
        return repository.isAncestor(ancestor, commit);
    }

    public Optional<EnvironmentState> get(String name) {
        return Optional.ofNullable(states.get(name));
    }

    public Map<String, EnvironmentState> all() {
        return Map.copyOf(states);
    }
}
