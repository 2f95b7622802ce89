package io.kraftwerk.master.store;

import com.fasterxml.jackson.annotation.JsonValue;
import io.kraftwerk.model.report.EventStatus;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.RunMode;
import io.kraftwerk.model.report.RunStatus;
import java.util.Locale;

/**
 * What the dashboard says of a node, from its latest report (or its silence). One word each, in
 * order of what needs attention first.
 */
public enum NodeStatus {
    /** No report for twice the run interval. */
    UNRESPONSIVE,
    /** The last run failed (or skipped) resources. */
    FAILED,
    /** The last run repaired drift, or found drift on audited resources. */
    DRIFTED,
    /** The last run was a noop with changes waiting. */
    PENDING,
    /** The last run changed something (a new catalog, not drift). */
    CHANGED,
    /** The last run found everything in sync. */
    UNCHANGED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NodeStatus of(Report report) {
        if (report.status() == RunStatus.FAILED) {
            return FAILED;
        }
        boolean audit = report.resources().stream().flatMap(r -> r.events().stream()).anyMatch(e -> e.status() == EventStatus.AUDIT);
        if (report.correctiveChange() || audit) {
            return DRIFTED;
        }
        if (report.mode() == RunMode.NOOP && report.noopPending()) {
            return PENDING;
        }
        return report.status() == RunStatus.CHANGED ? CHANGED : UNCHANGED;
    }

    public static NodeStatus parse(String wire) {
        return valueOf(wire.toUpperCase(Locale.ROOT));
    }
}
