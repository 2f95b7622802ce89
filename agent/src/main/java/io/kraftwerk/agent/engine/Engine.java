package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.provider.Batching;
import io.kraftwerk.agent.provider.Prefetching;
import io.kraftwerk.agent.provider.Diff;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderRegistry;
import io.kraftwerk.agent.provider.Refreshable;
import io.kraftwerk.agent.provider.Tidying;
import io.kraftwerk.agent.state.ResourceState;
import io.kraftwerk.agent.state.StateStore;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.EventStatus;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.Report;
import io.kraftwerk.model.report.ResourceReport;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.resource.Resource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Walks a catalog in its order: for each resource read, diff, and (unless noop or audit) apply;
 * skip what depends on a failure; refresh what a change notifies, once. The whole plan is made of
 * the same reads in noop and enforce runs; noop simply never calls apply, refresh or save.
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
        Map<String, List<Edge>> incoming = catalog.edges().stream().collect(Collectors.groupingBy(Edge::to));
        prepare(catalog, options);
        Map<String, Outcome> outcomes = new HashMap<>();
        Map<String, Outcome> batched = new HashMap<>();
        List<ResourceReport> reports = new ArrayList<>();
        Map<String, Long> millisByType = new HashMap<>();
        List<CatalogResource> resources = catalog.resources();
        for (int i = 0; i < resources.size(); i++) {
            CatalogResource cr = resources.get(i);
            long t = System.nanoTime();
            Outcome o = batched.remove(cr.id());
            if (o == null) {
                o = process(cr, i, catalog, incoming, outcomes, batched, options);
            }
            refresh(cr, o, incoming.getOrDefault(cr.id(), List.of()), outcomes, options);
            o.millis += (System.nanoTime() - t) / 1_000_000;
            outcomes.put(cr.id(), o);
            millisByType.merge(cr.resource().type().wireName(), o.millis, Long::sum);
            ResourceReport report = ReportAssembler.resource(cr, o, suspect(cr, o));
            reports.add(report);
            listener.resourceDone(report);
        }
        if (!options.noop()) {
            StateUpdate.save(catalog, outcomes, state, context);
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

    private Outcome process(CatalogResource cr, int index, Catalog catalog, Map<String, List<Edge>> incoming,
                            Map<String, Outcome> outcomes, Map<String, Outcome> batched, RunOptions options) {
        Outcome o = new Outcome();
        for (Edge e : incoming.getOrDefault(cr.id(), List.of())) {
            Outcome before = outcomes.get(e.from());
            if (before != null && before.blocksDependents()) {
                o.status = ResourceStatus.SKIPPED;
                o.message = "skipped: it depends on " + e.from() + ", which "
                        + (before.status == ResourceStatus.FAILED ? "failed" : "was skipped");
                return o;
            }
        }
        Resource r = cr.resource();
        Provider<Resource> provider = registry.forResource(r);
        if (!plan(cr, provider, o)) {
            return o;
        }
        ResourceState known = state.get(cr.id());
        if (o.changes.isEmpty()) {
            o.status = ResourceStatus.IN_SYNC;
        } else if (cr.audit()) {
            o.status = ResourceStatus.AUDIT;
            o.changes.forEach(c -> o.events.add(Events.event(cr.id(), c, EventStatus.AUDIT,
                    "out of sync; not changed (audit)", Events.corrective(c, known))));
        } else if (options.noop()) {
            o.status = ResourceStatus.PENDING;
            o.changes.forEach(c -> o.events.add(Events.event(cr.id(), c, EventStatus.NOOP, "would change",
                    Events.corrective(c, known))));
        } else if (provider instanceof Batching<?>) {
            new Batch(registry, context, state).apply(cr, index, catalog, incoming, outcomes, batched, o);
        } else {
            try {
                o.refreshedByApply = provider.apply(r, o.changes, context);
                Batch.succeeded(cr, o, known, context);
            } catch (Exception e) {
                Batch.failed(cr, o, known, Failures.describe(e), context);
            } finally {
                context.nextGeneration();
            }
        }
        return o;
    }

    /** Desired, observed, diff; false (and a failed outcome) when the node cannot be read. */
    static boolean plan(CatalogResource cr, Provider<Resource> provider, Outcome o, AgentContext context) {
        try {
            o.desired = provider.desired(cr.resource());
            o.observed = provider.observe(cr.resource(), context);
            o.changes = Diff.changes(o.desired, o.observed);
            return true;
        } catch (Exception e) {
            o.status = ResourceStatus.FAILED;
            o.message = "cannot read its current state: " + Failures.describe(e);
            context.log(LogLine.Level.ERROR, cr.id(), o.message);
            return false;
        }
    }

    private boolean plan(CatalogResource cr, Provider<Resource> provider, Outcome o) {
        return plan(cr, provider, o, context);
    }

    private void refresh(CatalogResource cr, Outcome o, List<Edge> edges, Map<String, Outcome> outcomes,
                         RunOptions options) {
        if (cr.audit() || o.blocksDependents() || o.refreshedByApply) {
            return;
        }
        List<String> notifiers = edges.stream().filter(e -> e.kind() == EdgeKind.NOTIFY)
                .filter(e -> outcomes.containsKey(e.from()) && outcomes.get(e.from()).notifies())
                .map(Edge::from).toList();
        Provider<Resource> provider = registry.forResource(cr.resource());
        if (notifiers.isEmpty() || !(provider instanceof Refreshable<?>)) {
            return;
        }
        String by = " (notified by " + String.join(", ", notifiers) + ")";
        if (options.noop()) {
            o.events.add(new Event("refresh", null, null, EventStatus.NOOP, "would refresh" + by,
                    false, null));
            o.status = o.status == ResourceStatus.IN_SYNC ? ResourceStatus.PENDING : o.status;
            return;
        }
        try {
            String done = refresh(provider, cr.resource());
            o.events.add(new Event("refresh", null, null, EventStatus.SUCCESS, done + by, false, null));
            o.status = o.status == ResourceStatus.IN_SYNC ? ResourceStatus.CHANGED : o.status;
            context.log(LogLine.Level.INFO, cr.id(), done + by);
        } catch (Exception e) {
            String why = Failures.describe(e);
            o.events.add(new Event("refresh", null, null, EventStatus.FAILURE, why + by, false, null));
            o.status = ResourceStatus.FAILED;
            o.message = "refresh failed: " + why;
            context.log(LogLine.Level.ERROR, cr.id(), o.message);
        } finally {
            context.nextGeneration();
        }
    }

    @SuppressWarnings("unchecked")
    private <R extends Resource> String refresh(Provider<R> provider, R resource) throws Exception {
        return ((Refreshable<R>) provider).refresh(resource, context);
    }

    /** Needed a corrective change this run and on the runs just before: suspect a bug, not an operator. */
    private boolean suspect(CatalogResource cr, Outcome o) {
        boolean corrective = o.events.stream().anyMatch(Event::corrective);
        ResourceState known = state.get(cr.id());
        int streak = corrective ? (known == null ? 0 : known.correctiveStreak()) + 1 : 0;
        return streak >= StateUpdate.SUSPECT_STREAK;
    }


}
