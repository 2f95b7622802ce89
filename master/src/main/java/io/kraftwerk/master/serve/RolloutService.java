package io.kraftwerk.master.serve;

import io.kraftwerk.master.compile.FleetNode;
import io.kraftwerk.master.compile.RolloutPolicy;
import io.kraftwerk.master.compile.Site;
import io.kraftwerk.master.git.EnvironmentState;
import io.kraftwerk.master.git.Environments;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.store.NodeRoster;
import io.kraftwerk.master.store.NodeStatus;
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
            LOG.errorf("environment %s: the stable commit %s of its rollout is not in the repository; serving the branch's head",
                    branch.name(), commit);
        } catch (IOException | ManifestException e) {
            LOG.errorf("environment %s: cannot read the stable commit %s of its rollout (%s); serving the branch's head",
                    branch.name(), commit, e.getMessage());
        }
        return new Choice(branch.commit(), branch.site(), rollout);
    }

    /** The rollout state for the branch's head: started when the head is new, re-read when older than two seconds. */
    private Rollout current(EnvironmentState branch, RolloutPolicy policy) {
        String env = branch.name();
        Known k = known.get(env);
        Instant now = clock.instant();
        boolean fresh = k != null && now.isBefore(k.readAt().plus(REREAD));
        boolean knowsHead = k != null && k.rollout() != null
                && (k.rollout().candidate().equals(branch.commit()) || k.rollout().stable().equals(branch.commit()));
        if (policy == null) {
            // no rollout declared: everyone runs the head; a rollout row left from before is settled once
            if (k == null || !fresh || (k.rollout() != null && !knowsHead)) {
                Rollout settled = rollouts.get(env).filter(r -> !r.stable().equals(branch.commit()) || r.inProgress())
                        .map(r -> changed(rollouts.settle(env, branch.commit(), "the manifests at " + branch.commit()
                                + " declare no rollout"))).orElse(null);
                known.put(env, new Known(settled, now));
            }
            return null;
        }
        if (fresh && knowsHead) {
            return k.rollout();
        }
        synchronized (this) {
            Rollout r = rollouts.get(env).orElse(null);
            // a row that knows the head (as its candidate, or as its stable commit: this master has not yet seen
            // the commit another master is rolling out) is followed; only a head it does not know starts a rollout
            if (r == null || !(r.candidate().equals(branch.commit()) || r.stable().equals(branch.commit()))) {
                // the canaries come from the node table as it is now, not this master's last read of it
                fleet.reloadNow();
                List<FleetNode> nodes = fleet.snapshot().nodes().stream().filter(n -> n.environment().equals(env)).toList();
                String running = diffs.runningCommit(env).orElse(branch.commit());
                Rollout begun = rollouts.begin(env, branch.commit(), running, policy.canaries(nodes),
                        policy.describe(), policy.within());
                if (r == null || !begun.candidate().equals(r.candidate()) || begun.state() != r.state()) {
                    changed(begun);
                    LOG.infof("environment %s: %s", env, describe(begun));
                }
                r = begun;
            }
            known.put(env, new Known(r, now));
            return r;
        }
    }

    /** A node's report was stored: a canary's run on the candidate advances or halts its rollout. */
    public void reported(NodeRoster.Row row) {
        if (row.environment() == null || row.catalogVersion() == null || row.lastStatus() == null) {
            return;
        }
        try {
            // read without a lock first: the row is locked only for a canary's run on the candidate, so the
            // environment's other reports never queue on it
            Optional<Rollout> now = rollouts.get(row.environment());
            if (now.isEmpty() || now.get().state() != Rollout.State.CANARY || !now.get().canaries().contains(row.certname())
                    || !now.get().candidate().equals(row.catalogVersion())) {
                return;
            }
            rollouts.reported(row.environment(), row.certname(), row.catalogVersion(), NodeStatus.parse(row.lastStatus()),
                    row.lastReportId()).ifPresent(r -> {
                        known.put(r.environment(), new Known(r, clock.instant()));
                        if (r.state() != Rollout.State.CANARY) {
                            changed(r);
                            LOG.infof("environment %s: %s", r.environment(), describe(r));
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warnf(e, "could not record %s's report in the rollout of %s", row.certname(), row.environment());
        }
    }

    @Scheduled(every = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
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
