package io.kraftwerk.agent.provider;

import io.kraftwerk.model.resource.Resource;
import java.util.List;

/**
 * Providers that see every resource of their type before the walk: to read them all at once
 * (packages), or because one resource's state depends on its siblings (an exclusive SSH key keeps
 * every key the catalog declares for its user).
 */
public interface Prefetching<R extends Resource> {
    /** Called once per run, noop runs included, before the walk, with every resource of the type in catalog order. */
    void prefetch(List<R> resources, ProviderContext context) throws Exception;
}
