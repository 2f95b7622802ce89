package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.state.ResourceState;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.EventStatus;
import io.kraftwerk.model.report.ResourceStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * What became of one resource's plan: its status and message for the report, its events (one per
 * change, then a refresh), whether applying already restarted or reloaded it (so a notification
 * needs no further refresh), and how long it took. Its report entry and its new state are made
 * from it and its plan.
 */
record ResourceResult(ResourcePlan plan, ResourceStatus status, String message, List<Event> events, boolean refreshedByApply,
                      long millis) {

    ResourceResult {
        events = List.copyOf(events);
    }

    /** The result of a plan that changes nothing on the node: in sync, noop, audit, skipped or unreadable. */
    static ResourceResult unapplied(ResourcePlan plan, ResourceState known) {
        return switch (plan.decision()) {
            case IN_SYNC -> of(plan, ResourceStatus.IN_SYNC, "", List.of());
            case WOULD_CHANGE -> of(plan, ResourceStatus.PENDING, "", Events.of(plan, EventStatus.NOOP, "would change", known));
            case AUDIT -> of(plan, ResourceStatus.AUDIT, plan.reason(), Events.of(plan, EventStatus.AUDIT,
                    plan.reason().isEmpty() ? "out of sync; not changed (audit)" : "out of sync; not changed: " + plan.reason(), known));
            case SKIP -> of(plan, ResourceStatus.SKIPPED, plan.reason(), List.of());
            case UNREADABLE -> of(plan, ResourceStatus.FAILED, plan.reason(), List.of());
            case CHANGE -> throw new IllegalStateException("a change is applied, not passed over (this is a Kraftwerk bug, please report it)");
        };
    }

    static ResourceResult of(ResourcePlan plan, ResourceStatus status, String message, List<Event> events) {
        return new ResourceResult(plan, status, message, events, false, 0);
    }

    /** Failed or skipped: what depends on it is skipped. */
    boolean blocksDependents() {
        return status == ResourceStatus.FAILED || status == ResourceStatus.SKIPPED;
    }

    /** It changed (or would, in noop), so resources it notifies need a refresh. */
    boolean notifies() {
        return status == ResourceStatus.CHANGED || status == ResourceStatus.PENDING;
    }

    /** This result with a refresh's event after the others, and the status and message it leaves. */
    ResourceResult refreshed(Event refresh, ResourceStatus newStatus, String newMessage) {
        List<Event> all = new ArrayList<>(events);
        all.add(refresh);
        return new ResourceResult(plan, newStatus, newMessage, all, refreshedByApply, millis);
    }

    ResourceResult took(long newMillis) {
        return new ResourceResult(plan, status, message, events, refreshedByApply, newMillis);
    }

    /** A change of this run was corrective (the node had drifted from what was known). */
    boolean corrective() {
        for (Event e : events) {
            if (e.corrective()) {
                return true;
            }
        }
        return false;
    }
}
