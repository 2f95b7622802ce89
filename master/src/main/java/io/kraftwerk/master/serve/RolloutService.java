package io.kraftwerk.master.serve;

import io.kraftwerk.master.compile.FleetNode;
import io.kraftwerk.master.compile.RolloutPolicy;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.git.EnvironmentState;
import io.kraftwerk.master.git.Environments;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.store.NodeReported;
import io.kraftwerk.master.store.Rollout;
import io.kraftwerk.master.store.Rollouts;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Which commit a node gets when its environment rolls out new commits ({@code rollout:} in the
 * branch's site.yaml): a new head goes to the canaries first, and to the others once every canary
 * ran it without failing; a failing or silent canary halts it there until an admin promotes or
 * aborts, or a newer commit starts a new rollout. The state lives in the database, so every master
 * sharing it serves the same commits; each master reads it again at most every two seconds, and at
 * once when the branch moved.
 */
@ApplicationScoped
public class RolloutService {
    private static final Logger LOG = Logger.getLogger(RolloutService.class);
    static final Duration REREAD = Duration.ofSeconds(2);

    @Inject
    Rollouts rollouts;

    @Inject
    Environments environments;

    @Inject
    FleetService fleet;

    @Inject
    CommitDiffService diffs;

    @Inject
    Event<RolloutChanged> changes;

    Clock clock = Clock.systemUTC();

    /** A rollout moved (started, halted, promoted, aborted): for alerts. */
    public record RolloutChanged(Rollout rollout) {
    }

    /** What to compile for a node: the commit and its site. */
    public record Choice(String commit, Site site, Rollout rollout) {
    }

    private record Known(Rollout rollout, Instant readAt) {
    }

    private final Map<String, Known> known = new ConcurrentHashMap<>();

    /**
     * Which commit cannot be decided: the rollout state cannot be read and this master knows none, or
     * the stable commit cannot be read. Nodes then get no catalog (503) rather than the candidate.
     */
    public static final class Undecided extends RuntimeException {
        Undecided(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The commit of {@code branch} the node is to run now. */
    public Choice choose(EnvironmentState branch, String certname) {
        RolloutPolicy policy = branch.site().rollout();
        Rollout rollout = current(branch, policy);
        if (rollout == null) {
            return new Choice(branch.commit(), branch.site(), null);
        }
        String commit = rollout.commitFor(certname);
        if (commit.equals(branch.commit())) {
            return new Choice(commit, branch.site(), rollout);
        }
        try {
            Optional<Site> site = environments.site(commit);
            if (site.isPresent()) {
                return new Choice(commit, site.get(), rollout);
            }
            throw new Undecided("the commit " + commit + " of environment " + branch.name() + "'s rollout is not in the manifests"
                    + " repository (not fetched yet, or gone after a force-push): abort the rollout or push a new commit", null);
        } catch (IOException | ManifestException e) {
            // never the branch's head instead: that is the candidate, which this node is not to run
            throw new Undecided("cannot read the commit " + commit + " of environment " + branch.name() + "'s rollout: "
                    + e.getMessage(), e);
        }
    }

    /** The rollout state for the branch's head: started when the head is new, re-read when older than two seconds. */
    private Rollout current(EnvironmentState branch, RolloutPolicy policy) {
        String env = branch.name();
        Known k = known.get(env);
        Instant now = clock.instant();
        boolean fresh = k != null && now.isBefore(k.readAt().plus(REREAD));
        boolean knowsHead = k != null && k.rollout() != null && knows(k.rollout(), branch.commit());
        if (policy == null) {
            if (fresh && (k.rollout() == null || knowsHead)) {
                return null;
            }
            // no rollout declared: everyone runs the head; a rollout row left from before is settled once, by a master
            // whose head is newer than the row's candidate
            try {
                Rollout row = rollouts.get(env).orElse(null);
                if (row != null && (!row.stable().equals(branch.commit()) || row.inProgress()) && newer(branch.commit(), row)) {
                    row = changed(rollouts.settle(env, branch.commit(), "the manifests at " + branch.commit() + " declare no rollout"));
                }
                known.put(env, new Known(row, now));
            } catch (RuntimeException | IOException e) {
                LOG.warnf("environment %s: cannot read its rollout state (%s); its nodes get the branch's head", env, e.getMessage());
                known.put(env, new Known(k == null ? null : k.rollout(), now));
            }
            return null;
        }
        if (fresh && knowsHead) {
            return k.rollout();
        }
        synchronized (this) {
            try {
                Rollout r = rollouts.get(env).orElse(null);
                if (r == null || (!knows(r, branch.commit()) && newer(branch.commit(), r))) {
                    // the canaries come from the node table as it is now, not this master's last read of it
                    fleet.reloadNow();
                    List<FleetNode> nodes = fleet.snapshot().nodes().stream().filter(n -> n.environment().equals(env)).toList();
                    String running = diffs.runningCommit(env).filter(c -> known(c)).orElse(branch.commit());
                    Rollout begun = rollouts.begin(env, branch.commit(), r == null ? null : r.candidate(), running,
                            policy.canaries(nodes), policy.describe(), policy.within());
                    if (r == null || !begun.candidate().equals(r.candidate()) || begun.state() != r.state()) {
                        changed(begun);
                        LOG.infof("environment %s: %s", env, describe(begun));
                    }
                    r = begun;
                }
                // a row whose commits this master's head is behind (another master polled a newer commit) is followed
                known.put(env, new Known(r, now));
                return r;
            } catch (RuntimeException | IOException e) {
                if (k != null && k.rollout() != null) {
                    LOG.warnf("environment %s: cannot read its rollout state (%s); serving from what was read at %s", env,
                            e.getMessage(), k.readAt());
                    known.put(env, new Known(k.rollout(), now));
                    return k.rollout();
                }
                throw new Undecided("cannot read the rollout state of environment " + env + ": " + e.getMessage(), e);
            }
        }
    }

    /** Whether the repository has the commit (a node's report may name one it never had). */
    private boolean known(String commit) {
        try {
            return environments.descends(commit, commit).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the row names {@code commit}, as its candidate or its stable commit. */
    private static boolean knows(Rollout r, String commit) {
        return r.candidate().equals(commit) || r.stable().equals(commit);
    }

    /**
     * Whether {@code head} is a commit the row has not seen: not one its candidate already contains. A head
     * the candidate descends from is a master behind the one that started the rollout (it has not polled
     * the newer commit yet), and so is a candidate not yet fetched here: both follow the row. A head after
     * the candidate, or beside it (history rewritten), starts a new rollout.
     */
    private boolean newer(String head, Rollout r) throws IOException {
        return environments.descends(r.candidate(), head).map(behind -> !behind).orElse(false);
    }

    /** A node's report became its latest, or came again: a canary's enforcing run on the candidate advances or halts its rollout. */
    public void reported(NodeReported report) {
        if (report.environment() == null || report.catalogVersion() == null) {
            return;
        }
        try {
            // read without a lock first: the row is locked only for a canary's run on the candidate, so the
            // environment's other reports never queue on it
            Optional<Rollout> now = rollouts.get(report.environment());
            if (now.isEmpty() || now.get().state() != Rollout.State.CANARY || !now.get().canaries().contains(report.certname())
                    || !now.get().candidate().equals(report.catalogVersion())) {
                return;
            }
            rollouts.reported(report.environment(), report.certname(), report.catalogVersion(), report.status(), report.reportId())
                    .ifPresent(r -> {
                        known.put(r.environment(), new Known(r, clock.instant()));
                        if (r.state() != Rollout.State.CANARY) {
                            changed(r);
                            LOG.infof("environment %s: %s", r.environment(), describe(r));
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not record %s's report in the rollout of %s; its agent's next report counts", report.certname(),
                    report.environment());
        }
    }

    // delayed like the other jobs: fired the moment the scheduler resumed, it raced a stop right after the start
    // (MasterLifecycleIT caught its transaction ending after the container had gone)
    @Scheduled(every = "10s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expire() {
        try {
            for (Rollout r : rollouts.expire()) {
                known.put(r.environment(), new Known(r, clock.instant()));
                changed(r);
                LOG.warnf("environment %s: %s", r.environment(), describe(r));
            }
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not check the rollouts' time limits");
        }
    }

    /** The environment's rollout as the database has it now. */
    public Optional<Rollout> status(String environment) {
        return rollouts.get(environment);
    }

    /** An admin's promote or abort. */
    public Rollout decide(String environment, boolean promote, String who) {
        Rollout r = rollouts.decide(environment, promote, who);
        known.put(environment, new Known(r, clock.instant()));
        changed(r);
        LOG.infof("environment %s: %s", environment, describe(r));
        return r;
    }

    private Rollout changed(Rollout r) {
        changes.fire(new RolloutChanged(r));
        return r;
    }

    static String describe(Rollout r) {
        return switch (r.state()) {
            case CANARY -> "rolling out " + r.candidate() + " to its canaries " + r.canaries() + " (the others stay on " + r.stable() + ")";
            case HALTED -> "the rollout of " + r.candidate() + " halted: " + r.reason() + "; the others stay on " + r.stable();
            case PROMOTED -> r.candidate() + " promoted (" + r.reason() + ")";
            case ABORTED -> "the rollout of " + r.candidate() + " aborted (" + r.reason() + ")";
        };
    }
}
