package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.provider.Batching;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderRegistry;
import io.kraftwerk.agent.state.ResourceState;
import io.kraftwerk.agent.state.StateStore;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.report.EventStatus;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.resource.Resource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a batching provider's changes together: the resource at hand plus every later resource
 * of its type that is ready now (all it depends on is done, or in the batch) and out of sync. The
 * later ones' outcomes are kept and reported when the walk reaches them.
 */
final class Batch {
    private final ProviderRegistry registry;
    private final AgentContext context;
    private final StateStore state;

    Batch(ProviderRegistry registry, AgentContext context, StateStore state) {
        this.registry = registry;
        this.context = context;
        this.state = state;
    }

    void apply(CatalogResource first, int index, Catalog catalog, Map<String, List<Edge>> incoming,
               Map<String, Outcome> outcomes, Map<String, Outcome> batched, Outcome firstOutcome) {
        Map<CatalogResource, Outcome> members = new LinkedHashMap<>();
        members.put(first, firstOutcome);
        Set<String> inBatch = new HashSet<>(Set.of(first.id()));
        Provider<Resource> provider = registry.forResource(first.resource());
        for (CatalogResource later : catalog.resources().subList(index + 1, catalog.resources().size())) {
            if (later.resource().getClass() != first.resource().getClass() || later.audit()
                    || !ready(later, incoming, outcomes, inBatch)) {
                continue;
            }
            Outcome o = new Outcome();
            if (Engine.plan(later, provider, o, context) && !o.changes.isEmpty()) {
                members.put(later, o);
                inBatch.add(later.id());
            }
        }
        Map<Resource, List<Change>> work = new LinkedHashMap<>();
        members.forEach((cr, o) -> work.put(cr.resource(), o.changes));
        Map<Resource, String> failures;
        try {
            failures = applyBatch(provider, work);
        } catch (Exception e) {
            String why = Failures.describe(e);
            failures = new LinkedHashMap<>();
            for (Resource r : work.keySet()) {
                failures.put(r, why);
            }
        } finally {
            context.nextGeneration();
        }
        for (Map.Entry<CatalogResource, Outcome> m : members.entrySet()) {
            ResourceState known = state.get(m.getKey().id());
            String failure = failures.get(m.getKey().resource());
            if (failure == null) {
                succeeded(m.getKey(), m.getValue(), known, context);
            } else {
                failed(m.getKey(), m.getValue(), known, failure, context);
            }
            if (m.getKey() != first) {
                batched.put(m.getKey().id(), m.getValue());
            }
        }
    }

    private static boolean ready(CatalogResource r, Map<String, List<Edge>> incoming, Map<String, Outcome> outcomes,
                                 Set<String> inBatch) {
        for (Edge e : incoming.getOrDefault(r.id(), List.of())) {
            Outcome before = outcomes.get(e.from());
            boolean done = before != null && !before.blocksDependents();
            if (!done && !inBatch.contains(e.from())) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private <R extends Resource> Map<Resource, String> applyBatch(Provider<R> provider, Map<Resource, List<Change>> work)
            throws Exception {
        Map<R, List<Change>> typed = new LinkedHashMap<>();
        work.forEach((r, c) -> typed.put((R) r, c));
        Map<R, String> failures = ((Batching<R>) provider).applyBatch(typed, context);
        return new LinkedHashMap<>(failures);
    }

    static void succeeded(CatalogResource cr, Outcome o, ResourceState known, AgentContext context) {
        o.status = ResourceStatus.CHANGED;
        for (Change c : o.changes) {
            boolean corrective = Events.corrective(c, known);
            o.events.add(Events.event(cr.id(), c, EventStatus.SUCCESS, corrective ? "repaired drift" : "changed", corrective));
            context.log(LogLine.Level.INFO, cr.id(), (corrective ? "repaired " : "changed ") + Events.describe(c));
        }
    }

    static void failed(CatalogResource cr, Outcome o, ResourceState known, String why, AgentContext context) {
        o.status = ResourceStatus.FAILED;
        o.message = why;
        o.changes.forEach(c -> o.events.add(Events.event(cr.id(), c, EventStatus.FAILURE, why, Events.corrective(c, known))));
        context.log(LogLine.Level.ERROR, cr.id(), why);
    }
}
