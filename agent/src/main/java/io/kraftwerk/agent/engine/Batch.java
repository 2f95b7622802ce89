package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.engine.ResourcePlan.Decision;
import io.kraftwerk.agent.provider.Batching;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderRegistry;
import io.kraftwerk.agent.state.StateStore;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.resource.Resource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a batching provider's changes together: the resource at hand plus every later resource
 * of its type that is ready now (all it depends on is done, or in the batch) and out of sync. The
 * later ones are planned here, and their results wait until the walk reaches them.
 */
final class Batch {
    private final ProviderRegistry registry;
    private final AgentContext context;
    private final StateStore state;
    private final Planner planner;

    Batch(ProviderRegistry registry, AgentContext context, StateStore state, Planner planner) {
        this.registry = registry;
        this.context = context;
        this.state = state;
        this.planner = planner;
    }

    /** @return the first plan's result; the others' wait in the walk */
    ResourceResult apply(ResourcePlan first, int index, Walk walk) {
        List<ResourcePlan> members = new ArrayList<>();
        members.add(first);
        Set<String> inBatch = new HashSet<>(Set.of(first.id()));
        Resource firstResource = first.resource().resource();
        Provider<Resource> provider = registry.forResource(firstResource);
        for (CatalogResource later : walk.after(index)) {
            if (later.resource().getClass() != firstResource.getClass() || later.audit() || !ready(later, walk, inBatch)) {
                continue;
            }
            ResourcePlan plan = planner.read(later);
            if (plan.decision() == Decision.CHANGE) {
                members.add(plan);
                inBatch.add(later.id());
            }
        }
        Map<Resource, List<Change>> work = new LinkedHashMap<>();
        for (ResourcePlan m : members) {
            work.put(m.resource().resource(), m.changes());
        }
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
        ResourceResult firstResult = null;
        for (ResourcePlan m : members) {
            String failure = failures.get(m.resource().resource());
            ResourceResult result = failure == null ? Apply.succeeded(m, state.get(m.id()), false, context)
                    : Apply.failed(m, state.get(m.id()), failure, context);
            if (m == first) {
                firstResult = result;
            } else {
                walk.aheadOfTheWalk(m.id(), result);
            }
        }
        return firstResult;
    }

    private static boolean ready(CatalogResource r, Walk walk, Set<String> inBatch) {
        for (Edge e : walk.into(r.id())) {
            ResourceResult before = walk.done(e.from());
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
}
