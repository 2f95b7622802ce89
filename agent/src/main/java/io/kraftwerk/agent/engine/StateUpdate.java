package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Property;
import io.kraftwerk.agent.state.ResourceState;
import io.kraftwerk.agent.state.StateStore;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.ResourceStatus;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * After an enforcing run, records per property the value the system now holds: the desired value
 * where a change succeeded, the observed one everywhere else.
 */
final class StateUpdate {
    /** Corrective changes on this many runs in a row make a resource an idempotency suspect. */
    static final int SUSPECT_STREAK = 3;

    private StateUpdate() {
    }

    static void save(Catalog catalog, Map<String, Outcome> outcomes, StateStore state, AgentContext context) {
        for (CatalogResource cr : catalog.resources()) {
            Outcome o = outcomes.get(cr.id());
            if (o == null || o.desired == null || o.observed == null) {
                continue; // skipped, or unreadable: what was known stays known
            }
            boolean changed = o.status == ResourceStatus.CHANGED;
            boolean absent = "absent".equals(o.desired.value(Desired.ENSURE));
            TreeMap<String, String> properties = new TreeMap<>();
            for (Property p : o.desired.managed()) {
                if (absent && !p.name().equals(Desired.ENSURE)) {
                    continue;
                }
                String value = changed ? p.value() : o.observed.get(p.name());
                String fingerprint = Property.fingerprint(value, p.kind());
                if (fingerprint != null) {
                    properties.put(p.name(), fingerprint);
                }
            }
            ResourceState known = state.get(cr.id());
            boolean corrective = o.events.stream().anyMatch(Event::corrective);
            int streak = corrective ? (known == null ? 0 : known.correctiveStreak()) + 1 : 0;
            state.put(cr.id(), new ResourceState(properties, streak));
        }
        Set<String> ids = catalog.resources().stream().map(CatalogResource::id).collect(Collectors.toSet());
        state.retainOnly(ids);
        try {
            state.save(context.fs());
        } catch (Exception e) {
            context.log(LogLine.Level.ERROR, "agent", "cannot save the drift state: " + Failures.describe(e));
        }
    }
}
