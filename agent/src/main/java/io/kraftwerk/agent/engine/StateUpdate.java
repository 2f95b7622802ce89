package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Property;
import io.kraftwerk.agent.state.ResourceState;
import io.kraftwerk.agent.state.StateStore;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
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

    static void save(Catalog catalog, Map<String, ResourceResult> results, StateStore state, AgentContext context) {
        for (CatalogResource cr : catalog.resources()) {
            ResourceResult result = results.get(cr.id());
            if (result == null || result.plan().desired() == null || result.plan().observed() == null) {
                continue; // skipped, or unreadable: what was known stays known
            }
            Desired desired = result.plan().desired();
            boolean changed = result.status() == ResourceStatus.CHANGED;
            boolean absent = "absent".equals(desired.value(Desired.ENSURE));
            TreeMap<String, String> properties = new TreeMap<>();
            for (Property p : desired.managed()) {
                if (absent && !p.name().equals(Desired.ENSURE)) {
                    continue;
                }
                String value = changed ? p.value() : result.plan().observed().get(p.name());
                String fingerprint = Property.fingerprint(value, p.kind());
                if (fingerprint != null) {
                    properties.put(p.name(), fingerprint);
                }
            }
            ResourceState known = state.get(cr.id());
            int streak = result.corrective() ? (known == null ? 0 : known.correctiveStreak()) + 1 : 0;
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
