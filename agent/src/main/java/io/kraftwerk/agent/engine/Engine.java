package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.provider.Prefetching;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderRegistry;
import io.kraftwerk.agent.provider.Tidying;
import io.kraftwerk.agent.state.ResourceState;
import io.kraftwerk.agent.state.StateStore;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.resource.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks a catalog in its order: for each resource a plan (skip what depends on a failure, else read,
 * diff, decide), then apply what the plan decided to change, then refresh what a change notifies,
 * once; the report and the new state are made from the plans and results. The plans are made of the
 * same reads in noop and enforce runs; noop simply never calls apply, refresh or save.
 */
public final class Engine {
    private final ProviderRegistry registry;
    private final AgentContext context;
    private final StateStore state;
    private final RunListener listener;

    public Engine(ProviderRegistry registry, AgentContext context, StateStore state, RunListener listener) {
        this.registry = registry;
        this.context = context;
        this.state = state;
        this.listener = listener;
    }

    public Report run(Catalog catalog, RunOptions options) {
        Instant start = context.clock().instant();
        long started = System.nanoTime();
        Walk walk = new Walk(catalog);
        prepare(catalog, options);
        Planner planner = new Planner(registry, context, options.noop());
        Apply apply = new Apply(registry, context, state, planner);
        Refresh refresh = new Refresh(registry, context, options.noop());
        List<ResourceReport> reports = new ArrayList<>();
        Map<String, Long> millisByType = new HashMap<>();
        List<CatalogResource> resources = walk.resources();
        for (int i = 0; i < resources.size(); i++) {
            CatalogResource cr = resources.get(i);
            long t = System.nanoTime();
            ResourceResult result = walk.takeAhead(cr.id());
            if (result == null) {
                ResourcePlan plan = planner.plan(cr, walk);
                result = plan.decision() == ResourcePlan.Decision.CHANGE ? apply.apply(plan, i, walk)
                        : ResourceResult.unapplied(plan, state.get(cr.id()));
            }
            result = refresh.after(result, walk);
            result = result.took((System.nanoTime() - t) / 1_000_000);
            walk.passed(cr.id(), result);
            millisByType.merge(cr.resource().type().wireName(), result.millis(), Long::sum);
            ResourceReport report = ReportAssembler.resource(result, suspect(result));
            reports.add(report);
            listener.resourceDone(report);
        }
        if (!options.noop()) {
            StateUpdate.save(catalog, walk.results(), state, context);
        }
        return ReportAssembler.report(catalog, options, start, (System.nanoTime() - started) / 1_000_000, reports,
                millisByType, context.logLines());
    }

    /** Exit status of a run: 0 nothing to do, 2 changes made (noop: pending), 4 failures, 6 both. */
    public static int exitCode(Report report) {
        return ReportAssembler.exitCode(report);
    }

    /** Reads in bulk where providers can (packages); clears what a killed run left (enforce only). */
    private void prepare(Catalog catalog, RunOptions options) {
        for (Provider<?> provider : registry.all()) {
            List<Resource> ofType = catalog.resources().stream().map(CatalogResource::resource)
                    .filter(r -> r.getClass() == provider.resourceClass()).toList();
            if (ofType.isEmpty()) {
                continue;
            }
            try {
                if (provider instanceof Prefetching<?> p) {
                    prefetch(p, ofType);
                }
                if (!options.noop() && provider instanceof Tidying<?> t) {
                    tidy(t, ofType);
                }
            } catch (Exception e) {
                context.log(LogLine.Level.WARNING, "agent", "preparing " + provider.resourceClass().getSimpleName()
                        + " resources: " + Failures.describe(e));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <R extends Resource> void prefetch(Prefetching<R> prefetching, List<Resource> resources) throws Exception {
        prefetching.prefetch((List<R>) resources, context);
    }

    @SuppressWarnings("unchecked")
    private <R extends Resource> void tidy(Tidying<R> tidying, List<Resource> resources) throws Exception {
        tidying.tidy((List<R>) resources, context);
    }

    /** Needed a corrective change this run and on the runs just before: suspect a bug, not an operator. */
    private boolean suspect(ResourceResult result) {
        ResourceState known = state.get(result.plan().id());
        int streak = result.corrective() ? (known == null ? 0 : known.correctiveStreak()) + 1 : 0;
        return streak >= StateUpdate.SUSPECT_STREAK;
    }
}
