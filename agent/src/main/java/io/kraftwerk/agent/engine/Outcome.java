package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.ResourceStatus;
import java.util.ArrayList;
import java.util.List;

/** What happened to one resource during the walk; becomes its report entry and its new state. */
final class Outcome {
    ResourceStatus status = ResourceStatus.IN_SYNC;
    String message = "";
    Desired desired;
    Observed observed;
    List<Change> changes = List.of();
    final List<Event> events = new ArrayList<>();
    /** Applying already restarted or reloaded it: a notification needs no further refresh. */
    boolean refreshedByApply;
    long millis;

    boolean blocksDependents() {
        return status == ResourceStatus.FAILED || status == ResourceStatus.SKIPPED;
    }

    /** It changed (or would, in noop), so resources it notifies need a refresh. */
    boolean notifies() {
        return status == ResourceStatus.CHANGED || status == ResourceStatus.PENDING;
    }
}
