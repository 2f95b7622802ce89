package io.kraftwerk.agent.engine;

import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderRegistry;
import io.kraftwerk.agent.provider.Refreshable;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.report.Event;
import io.kraftwerk.model.report.EventStatus;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.report.ResourceStatus;
import io.kraftwerk.model.resource.Resource;
import java.util.List;

/**
 * Refreshes (restarts, reloads) a resource once when resources that notify it changed, or in noop
 * would have: not an audited, failed or skipped one, nor one whose apply already refreshed it.
 */
final class Refresh {
    private final ProviderRegistry registry;
    private final AgentContext context;
    private final boolean noop;

    Refresh(ProviderRegistry registry, AgentContext context, boolean noop) {
        this.registry = registry;
        this.context = context;
        this.noop = noop;
    }

    ResourceResult after(ResourceResult result, Walk walk) {
        CatalogResource cr = result.plan().resource();
        if (cr.audit() || result.blocksDependents() || result.refreshedByApply()) {
            return result;
        }
        List<String> notifiers = walk.into(cr.id()).stream().filter(e -> e.kind() == EdgeKind.NOTIFY)
                .filter(e -> walk.done(e.from()) != null && walk.done(e.from()).notifies())
                .map(Edge::from).toList();
        Provider<Resource> provider = registry.forResource(cr.resource());
        if (notifiers.isEmpty() || !(provider instanceof Refreshable<?>)) {
            return result;
        }
        String by = " (notified by " + String.join(", ", notifiers) + ")";
        ResourceStatus status = result.status();
        if (noop) {
            return result.refreshed(new Event("refresh", null, null, EventStatus.NOOP, "would refresh" + by, false, null),
                    status == ResourceStatus.IN_SYNC ? ResourceStatus.PENDING : status, result.message());
        }
        try {
            String done = refresh(provider, cr.resource());
            if (done == null) {
                // the provider found nothing to do (a command whose guard says it is done): no change, nothing to pass on
                context.log(LogLine.Level.INFO, cr.id(), "nothing to refresh" + by);
                return result;
            }
            context.log(LogLine.Level.INFO, cr.id(), done + by);
            return result.refreshed(new Event("refresh", null, null, EventStatus.SUCCESS, done + by, false, null),
                    status == ResourceStatus.IN_SYNC ? ResourceStatus.CHANGED : status, result.message());
        } catch (Exception e) {
            String why = Failures.describe(e);
            String message = "refresh failed: " + why;
            context.log(LogLine.Level.ERROR, cr.id(), message);
            return result.refreshed(new Event("refresh", null, null, EventStatus.FAILURE, why + by, false, null),
                    ResourceStatus.FAILED, message);
        } finally {
            context.nextGeneration();
        }
    }

    @SuppressWarnings("unchecked")
    private <R extends Resource> String refresh(Provider<R> provider, R resource) throws Exception {
        return ((Refreshable<R>) provider).refresh(resource, context);
    }
}
