package io.kraftwerk.master.serve;

import io.kraftwerk.master.artifacts.ArtifactException;
import io.kraftwerk.master.ca.CaException;
import io.kraftwerk.master.ca.TrustedFactsExtension;
import io.kraftwerk.master.compile.FleetNode;
import io.kraftwerk.master.compile.FleetSnapshot;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.diff.CommitDiff;
import io.kraftwerk.master.diff.DiffReport;
import io.kraftwerk.master.git.EnvironmentState;
import io.kraftwerk.master.git.Environments;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.settings.MasterConfig;
import io.kraftwerk.master.store.Fleet;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * What a commit would change on the fleet, as the master knows it: every node of an environment
 * (its latest facts, its certificate's trusted facts, the fleet snapshot) compiled at the commit
 * the nodes run and at the branch's head, or at any two revisions. The last few answers are kept:
 * the same question with the same inputs is not compiled again.
 */
@ApplicationScoped
public class CommitDiffService {
    @Inject
    Environments environments;

    @Inject
    FleetService fleet;

    @Inject
    Fleet nodes;

    @Inject
    ArtifactService artifacts;

    @Inject
    SecretService secrets;

    @Inject
    CaService ca;

    @Inject
    MasterConfig config;

    /** An answer, the fleet snapshot it was made with (compared by identity: a new snapshot is a new fleet) and when. */
    private record Answer(FleetSnapshot snapshot, DiffReport report, Instant at) {
    }

    /** One diff at a time: each compiles every node twice on every core, and a second would only halve both. */
    private final Semaphore running = new Semaphore(1, true);
    Clock clock = Clock.systemUTC();

    private final Map<String, Answer> answers = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Answer> eldest) {
            return size() > 4;
        }
    };

    /** A question that cannot be answered: the reason, for a 400 or 404. */
    public static final class Unanswerable extends Exception {
        private final int status;

        Unanswerable(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /**
     * @param from  the revision compared from; null: the commit most of the environment's nodes run
     * @param to    the revision compared with; null: the environment's branch
     * @param glob  only nodes whose name matches; null for all
     */
    public DiffReport diff(String environment, String from, String to, String glob) throws Unanswerable, InterruptedException {
        return diff(environment, from, to, glob, Duration.ZERO);
    }

    /**
     * @param staleness how old an answer made with an earlier fleet snapshot may be and still serve (the dashboard
     *                  takes one of a minute: nodes' facts change all the time, commits do not)
     */
    public DiffReport diff(String environment, String from, String to, String glob, Duration staleness)
            throws Unanswerable, InterruptedException {
        Optional<EnvironmentState> branch = environments.get(environment);
        if (branch.isEmpty()) {
            throw new Unanswerable(404, "no environment '" + environment + "': the manifests repository has no such branch");
        }
        String fromRevision = from != null ? from : runningCommit(environment).orElse(null);
        if (fromRevision == null) {
            throw new Unanswerable(400, "no node of environment '" + environment + "' has run a catalog yet: give 'from' (a commit)");
        }
        Site before = site(fromRevision, "from");
        Site after = to == null ? branch.get().site() : site(to, "to");
        PathMatcher names = glob == null ? null : FileSystems.getDefault().getPathMatcher("glob:" + glob);
        FleetSnapshot snapshot = fleet.snapshot();
        ArtifactService.Indexed store;
        try {
            store = artifacts.index();
        } catch (ArtifactException e) {
            throw new Unanswerable(503, e.getMessage());
        }
        SecretService.Keyring keyring = secrets.keyring();
        String key = environment + "\n" + before.version() + "\n" + after.version() + "\n" + glob + "\n"
                + store.revision() + "\n" + keyring.revision();
        synchronized (answers) {
            Answer known = answers.get(key);
            if (known != null && (known.snapshot() == snapshot || known.at().plus(staleness).isAfter(clock.instant()))) {
                return known.report();
            }
        }
        List<CommitDiff.Target> targets = new ArrayList<>();
        for (FleetNode node : snapshot.nodes()) {
            if (!node.environment().equals(environment) || (names != null && !names.matches(Path.of(node.certname())))) {
                continue;
            }
            trusted(node.certname()).ifPresent(trusted -> targets.add(new CommitDiff.Target(node.certname(), node.facts(), trusted)));
        }
        DiffReport report;
        running.acquire();
        try {
            report = CommitDiff.compute(before, after, targets, new CommitDiff.Inputs(environment, store.index(), keyring.opener(),
                    snapshot, snapshot), config.compileThreads().orElse(Runtime.getRuntime().availableProcessors()));
        } finally {
            running.release();
        }
        synchronized (answers) {
            answers.put(key, new Answer(snapshot, report, clock.instant()));
        }
        return report;
    }

    /** The commit most of the environment's nodes run (the most recent of equals). */
    public Optional<String> runningCommit(String environment) {
        return nodes.commits(environment, 50).stream()
                .max(Comparator.comparingLong(Fleet.CommitSeen::nodes).thenComparing(c -> c.last() == null ? "" : c.last().toString()))
                .map(Fleet.CommitSeen::version);
    }

    private Site site(String revision, String which) throws Unanswerable {
        try {
            return environments.site(revision).orElseThrow(() -> new Unanswerable(400, which + ": '" + revision
                    + "' names no commit of the manifests repository (give a branch, a commit id, or either with ~N)"));
        } catch (IOException e) {
            throw new Unanswerable(503, "cannot read the manifests repository: " + e.getMessage());
        } catch (ManifestException e) {
            throw new Unanswerable(400, which + ": the manifests at '" + revision + "' cannot be read: " + e.getMessage());
        }
    }

    /** The trusted facts of the node's current certificate; empty when it has none (revoked or cleaned: it gets no catalog). */
    private Optional<Map<String, String>> trusted(String certname) {
        try {
            Optional<X509Certificate> cert = ca.ca().currentCertificate(certname);
            if (cert.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(TrustedFactsExtension.of(cert.get()));
        } catch (IOException | CaException e) {
            return Optional.empty();
        }
    }
}
