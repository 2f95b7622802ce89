package io.kraftwerk.master.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

/** Tells the rest of the master what the store saw (CDI events), for alerts: a node's new latest report, a failed compile. */
@ApplicationScoped
public class Announcements {
    @Inject
    Event<NodeReported> reports;

    @Inject
    Event<CompileFailed> compileFailures;

    void reported(NodeReported event) {
        reports.fire(event);
    }

    void compileFailed(CompileFailed event) {
        compileFailures.fire(event);
    }
}
