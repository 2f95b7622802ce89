package io.kraftwerk.master.notify;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What the master alerts on. */
public enum AlertType {
    /** A node's status became failed: its latest run failed resources. */
    NODE_FAILED,
    /** A node's status became drifted: its latest run repaired drift, or found audited resources out of sync. */
    NODE_DRIFTED,
    /** A node sent no report for twice the run interval. */
    NODE_UNRESPONSIVE,
    /** A commit does not compile (for a node, or at all). */
    COMPILE_FAILED,
    /** A canary rollout halted: a canary failed, or did not report in time. */
    ROLLOUT_HALTED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AlertType> parse(String wire) {
        return Arrays.stream(values()).filter(t -> t.wire().equals(wire)).findFirst();
    }
}
