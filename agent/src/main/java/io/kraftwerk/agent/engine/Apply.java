package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.provider.Batching;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderRegistry;
import io.kraftwerk.agent.state.ResourceState;
import io.kraftwerk.agent.state.StateStore;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.EventStatus;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.resource.Resource;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries out a plan that decided to change: the provider's apply, or a batch for a batching
 * provider, then one event and one log line per change. Never reached in noop.
 */
final class Apply {
    private final ProviderRegistry registry;
    private final AgentContext context;
    private final StateStore state;
    private final Batch batch;

    Apply(ProviderRegistry registry, AgentContext context, StateStore state, Planner planner) {
        this.registry = registry;
        this.context = context;
        this.state = state;
        this.batch = new Batch(registry, context, state, planner);
    }

    /** @param index the plan's resource's place in the catalog, where a batch looks on from */
    ResourceResult apply(ResourcePlan plan, int index, Walk walk) {
        CatalogResource cr = plan.resource();
        Provider<Resource> provider = registry.forResource(cr.resource());
        if (provider instanceof Batching<?>) {
            return batch.apply(plan, index, walk);
        }
        ResourceState known = state.get(cr.id());
        try {
            boolean refreshed = provider.apply(cr.resource(), plan.changes(), context);
            return succeeded(plan, known, refreshed, context);
        } catch (Exception e) {
            return failed(plan, known, Failures.describe(e), context);
        } finally {
            context.nextGeneration();
        }
    }

    static ResourceResult succeeded(ResourcePlan plan, ResourceState known, boolean refreshedByApply, AgentContext context) {
        List<Event> events = new ArrayList<>(plan.changes().size());
        for (Change c : plan.changes()) {
            boolean corrective = Events.corrective(c, known);
            events.add(Events.event(plan.id(), c, EventStatus.SUCCESS, corrective ? "repaired drift" : "changed", corrective));
            context.log(LogLine.Level.INFO, plan.id(), (corrective ? "repaired " : "changed ") + Events.describe(c));
        }
        return new ResourceResult(plan, ResourceStatus.CHANGED, "", events, refreshedByApply, 0);
    }

    static ResourceResult failed(ResourcePlan plan, ResourceState known, String why, AgentContext context) {
        List<Event> events = Events.of(plan, EventStatus.FAILURE, why, known);
        context.log(LogLine.Level.ERROR, plan.id(), why);
        return ResourceResult.of(plan, ResourceStatus.FAILED, why, events);
    }
}
