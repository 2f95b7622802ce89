package io.kraftwerk.agent.provider;

import io.kraftwerk.model.resource.Resource;
import java.util.List;
import java.util.Map;

/**
 * Providers whose changes are cheaper together, such as packages: one apt-get for all of them. The
 * engine hands over every resource of the type that is ready at that point of the walk.
 */
public interface Batching<R extends Resource> extends Prefetching<R> {
    /**
     * @param changes the changes of each resource, in catalog order
     * @return for each resource that failed, why; resources not in the map succeeded
     */
    Map<R, String> applyBatch(Map<R, List<Change>> changes, ProviderContext context) throws Exception;

    @Override
    default void prefetch(List<R> resources, ProviderContext context) throws Exception {
    }
}
