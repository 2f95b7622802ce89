package io.kraftwerk.master.store;

import io.kraftwerk.master.store.entity.StoredRollout;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * An environment's rollout as the masters agree on it (a row of the database).
 *
 * @param stable    the commit every node may run: the last one promoted
 * @param candidate the commit the canaries try; equal to {@code stable} once promoted
 * @param canaries  the canaries, sorted
 * @param passed    the canaries that ran the candidate without failing
 * @param policy    how the policy named the canaries, and its time limit
 * @param reason    why it halted, was promoted or aborted
 * @param failedReportId the report of the canary run that failed, if one did
 */
public record Rollout(String environment, String stable, String candidate, State state, List<String> canaries, List<String> passed,
                      String policy, Instant startedAt, Instant deadline, String reason, Long failedReportId, Instant updatedAt,
                      String updatedBy) {

    /** Where a rollout stands. */
    public enum State {
        /** The canaries try the candidate; the others run the stable commit. */
        CANARY,
        /** A canary failed on the candidate, or the canaries did not report in time: the others stay on the stable commit. */
        HALTED,
        /** The candidate is the stable commit: every node runs it. */
        PROMOTED,
        /** An admin called it off: every node runs the stable commit, canaries too. */
        ABORTED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether the canaries run something the others do not. */
    public boolean inProgress() {
        return state == State.CANARY || state == State.HALTED;
    }

    /** The commit this node is to run. */
    public String commitFor(String certname) {
        return switch (state) {
            case CANARY, HALTED -> canaries.contains(certname) ? candidate : stable;
            case PROMOTED -> candidate;
            case ABORTED -> stable;
        };
    }

    static Rollout of(StoredRollout r) {
        return new Rollout(r.environment, r.stableCommit, r.candidateCommit, State.valueOf(r.state.toUpperCase(Locale.ROOT)),
                list(r.canaries), list(r.passed), r.policy, r.startedAt, r.deadline, r.reason, r.failedReportId, r.updatedAt, r.updatedBy);
    }

    static List<String> list(String stored) {
        return stored == null || stored.isEmpty() ? List.of() : Arrays.stream(stored.split(",")).filter(s -> !s.isEmpty()).toList();
    }
}
