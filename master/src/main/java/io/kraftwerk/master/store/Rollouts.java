package io.kraftwerk.master.store;

import io.kraftwerk.master.store.entity.StoredRollout;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.hibernate.Session;

/**
 * Rollouts in the database, where every master sharing it sees the same state: each change locks the
 * environment's row, reads it, and decides from what it read (not from what the caller last saw), so
 * two masters starting, advancing or halting the same rollout agree on one outcome.
 */
@ApplicationScoped
public class Rollouts {
    @Inject
    Session session;

    Clock clock = Clock.systemUTC();

    @Transactional
    public Optional<Rollout> get(String environment) {
        StoredRollout r = session.find(StoredRollout.class, environment);
        return Optional.ofNullable(r).map(Rollout::of);
    }

    @Transactional
    public List<Rollout> all() {
        return session.createSelectionQuery("from StoredRollout r order by r.environment", StoredRollout.class).getResultList()
                .stream().map(Rollout::of).toList();
    }

    /**
     * Starts rolling out {@code candidate} to the canaries, unless the row already knows it (another
     * master started it, or it is the stable commit) or changed since the caller read it. A new
     * environment's first stable commit is {@code running} (what its nodes run now).
     */
    public Rollout begin(String environment, String candidate, String supersedes, String running, List<String> canaries,
                         String policy, Duration within) {
        ensure(environment, running);
        return beginLocked(environment, candidate, supersedes, canaries, policy, within);
    }

    /** @param supersedes the candidate the caller saw and found older than {@code candidate}; null when it saw no row */
    @Transactional
    Rollout beginLocked(String environment, String candidate, String supersedes, List<String> canaries, String policy,
                        Duration within) {
        StoredRollout r = lock(environment);
        Rollout now = Rollout.of(r);
        if (now.candidate().equals(candidate) || now.stable().equals(candidate)) {
            return now; // known: started by another master, the stable commit, or a master behind the one rolling out
        }
        if (supersedes != null && !now.candidate().equals(supersedes)) {
            return now; // another master moved the row since the caller read it: the caller follows it and decides again
        }
        Instant at = clock.instant();
        r.stableCommit = now.state() == Rollout.State.PROMOTED ? now.candidate() : now.stable();
        r.candidateCommit = candidate;
        r.canaries = String.join(",", canaries);
        r.passed = "";
        r.policy = policy;
        r.startedAt = at;
        r.deadline = at.plus(within);
        r.failedReportId = null;
        r.updatedAt = at;
        r.updatedBy = "master";
        if (r.stableCommit.equals(candidate)) {
            r.state = Rollout.State.PROMOTED.wire();
            r.reason = "nothing to roll out: " + candidate + " is the stable commit";
        } else if (canaries.isEmpty()) {
            r.state = Rollout.State.HALTED.wire();
            r.reason = "no canary: none of the " + policy + " has reported lately, so nothing can try " + candidate;
        } else {
            r.state = Rollout.State.CANARY.wire();
            r.reason = null;
        }
        return Rollout.of(r);
    }

    /** Makes {@code head} the stable commit and ends any rollout: the manifests at the head declare none. */
    @Transactional
    public Rollout settle(String environment, String head, String why) {
        StoredRollout r = lock(environment);
        if (r.stableCommit.equals(head) && r.candidateCommit.equals(head) && r.state.equals(Rollout.State.PROMOTED.wire())) {
            return Rollout.of(r);
        }
        r.stableCommit = head;
        r.candidateCommit = head;
        r.state = Rollout.State.PROMOTED.wire();
        r.reason = why;
        r.updatedAt = clock.instant();
        r.updatedBy = "master";
        return Rollout.of(r);
    }

    /**
     * A node's run was stored: when it is a canary's enforcing run on the candidate, a failure halts the
     * rollout and success counts it; the last canary to pass promotes the candidate. Empty when nothing changed.
     *
     * @param status the node's status from the report: failed, pending (a noop run, which proves nothing), or else passed
     */
    @Transactional
    public Optional<Rollout> reported(String environment, String certname, String version, NodeStatus status, Long reportId) {
        StoredRollout r = session.find(StoredRollout.class, environment, LockModeType.PESSIMISTIC_WRITE);
        if (r == null || !r.state.equals(Rollout.State.CANARY.wire()) || !r.candidateCommit.equals(version)
                || !Rollout.list(r.canaries).contains(certname) || status == NodeStatus.PENDING) {
            return Optional.empty();
        }
        Instant at = clock.instant();
        r.updatedAt = at;
        r.updatedBy = certname;
        if (status == NodeStatus.FAILED) {
            r.state = Rollout.State.HALTED.wire();
            r.reason = "canary " + certname + " failed its run on " + version;
            r.failedReportId = reportId;
            return Optional.of(Rollout.of(r));
        }
        TreeSet<String> passed = new TreeSet<>(Rollout.list(r.passed));
        if (!passed.add(certname)) {
            return Optional.empty();
        }
        r.passed = String.join(",", passed);
        if (passed.containsAll(Rollout.list(r.canaries))) {
            r.state = Rollout.State.PROMOTED.wire();
            r.stableCommit = r.candidateCommit;
            r.reason = "every canary ran " + version + " without failing";
        }
        return Optional.of(Rollout.of(r));
    }

    /** Halts the rollouts whose canaries did not all report in time; returns them. */
    @Transactional
    public List<Rollout> expire() {
        Instant at = clock.instant();
        List<Rollout> halted = new ArrayList<>();
        for (StoredRollout r : session.createSelectionQuery("from StoredRollout r where r.state = :s and r.deadline < :t", StoredRollout.class)
                .setParameter("s", Rollout.State.CANARY.wire()).setParameter("t", at)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList()) {
            List<String> missing = new ArrayList<>(Rollout.list(r.canaries));
            missing.removeAll(Rollout.list(r.passed));
            r.state = Rollout.State.HALTED.wire();
            r.reason = "canar" + (missing.size() == 1 ? "y " : "ies ") + String.join(", ", missing) + " did not report on "
                    + r.candidateCommit + " by " + r.deadline;
            r.updatedAt = at;
            r.updatedBy = "master";
            halted.add(Rollout.of(r));
        }
        return halted;
    }

    /** An admin's decision on a rollout in progress: promote (every node takes the candidate) or abort (none does). */
    @Transactional
    public Rollout decide(String environment, boolean promote, String who) {
        StoredRollout r = session.find(StoredRollout.class, environment, LockModeType.PESSIMISTIC_WRITE);
        if (r == null || !Rollout.of(r).inProgress()) {
            throw new IllegalStateException("no rollout in progress in environment " + environment
                    + (r == null ? "" : " (it is " + r.state + " at " + r.candidateCommit + ")"));
        }
        Instant at = clock.instant();
        r.updatedAt = at;
        r.updatedBy = who;
        if (promote) {
            r.stableCommit = r.candidateCommit;
            r.state = Rollout.State.PROMOTED.wire();
            r.reason = "promoted by " + who;
        } else {
            r.state = Rollout.State.ABORTED.wire();
            r.reason = "aborted by " + who + ": every node stays on " + r.stableCommit;
        }
        return Rollout.of(r);
    }

    private StoredRollout lock(String environment) {
        StoredRollout r = session.find(StoredRollout.class, environment, LockModeType.PESSIMISTIC_WRITE);
        if (r == null) {
            throw new IllegalStateException("the rollout row of " + environment + " is missing: ensure() comes first");
        }
        return r;
    }

    /** Makes the environment's row (promoted at {@code stable}) unless it exists; outside any transaction, as NodeRows does. */
    private void ensure(String environment, String stable) {
        if (get(environment).isPresent()) {
            return;
        }
        try {
            insert(environment, stable);
        } catch (RuntimeException e) {
            if (get(environment).isEmpty()) {
                throw e;
            }
            // another master inserted it first
        }
    }

    @Transactional
    void insert(String environment, String stable) {
        StoredRollout r = new StoredRollout();
        Instant at = clock.instant();
        r.environment = environment;
        r.stableCommit = stable;
        r.candidateCommit = stable;
        r.state = Rollout.State.PROMOTED.wire();
        r.canaries = "";
        r.passed = "";
        r.policy = "";
        r.startedAt = at;
        r.deadline = at;
        r.updatedAt = at;
        r.updatedBy = "master";
        r.reason = "the commit the nodes ran when the rollout policy appeared";
        session.persist(r);
    }

}
