package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.engine.ResourcePlan.Decision;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.Holding;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderRegistry;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.resource.Resource;
import java.util.List;

/**
 * Plans one resource: skipped when something it depends on failed or was skipped, else the
 * provider's desired and observe, the diff, and the decision. Reads the node, changes nothing.
 */
final class Planner {
    private final ProviderRegistry registry;
    private final AgentContext context;
    private final boolean noop;

    Planner(ProviderRegistry registry, AgentContext context, boolean noop) {
        this.registry = registry;
        this.context = context;
        this.noop = noop;
    }

    ResourcePlan plan(CatalogResource cr, Walk walk) {
        for (Edge e : walk.into(cr.id())) {
            ResourceResult before = walk.done(e.from());
            if (before != null && before.blocksDependents()) {
                return ResourcePlan.skip(cr, "skipped: it depends on " + e.from() + ", which "
                        + (before.status() == ResourceStatus.FAILED ? "failed" : "was skipped"));
            }
        }
        return read(cr);
    }

    /** Desired, observed, diff and the decision; unreadable (and logged) when the node cannot be read. */
    ResourcePlan read(CatalogResource cr) {
        Provider<Resource> provider = registry.forResource(cr.resource());
        Desired desired = null;
        Observed observed = null;
        List<Change> changes;
        try {
            desired = provider.desired(cr.resource());
            observed = provider.observe(cr.resource(), context);
            changes = Diff.changes(desired, observed);
        } catch (Exception e) {
            String why = "cannot read its current state: " + Failures.describe(e);
            context.log(LogLine.Level.ERROR, cr.id(), why);
            return new ResourcePlan(cr, desired, observed, List.of(), Decision.UNREADABLE, why);
        }
        String held = !changes.isEmpty() ? heldBecause(provider, cr.resource(), desired, observed) : null;
        Decision decision = changes.isEmpty() ? Decision.IN_SYNC
                : cr.audit() || held != null ? Decision.AUDIT
                : noop ? Decision.WOULD_CHANGE
                : Decision.CHANGE;
        return new ResourcePlan(cr, desired, observed, changes, decision, held == null ? "" : held);
    }

    @SuppressWarnings("unchecked")
    private static String heldBecause(Provider<Resource> provider, Resource resource, Desired desired, Observed observed) {
        return provider instanceof Holding<?> holding ? ((Holding<Resource>) holding).heldBecause(resource, desired, observed) : null;
    }
}
