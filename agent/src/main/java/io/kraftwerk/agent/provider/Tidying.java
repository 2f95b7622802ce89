package io.kraftwerk.agent.provider;

import io.kraftwerk.model.resource.Resource;
import java.util.List;

/**
 * Providers that clear what an interrupted run left behind (temp files beside managed files).
 * Called before the walk of every enforcing run, never in noop.
 */
public interface Tidying<R extends Resource> {
    /** All resources of the type at once, so a directory with many managed files is listed once. */
    void tidy(List<R> resources, ProviderContext context) throws Exception;
}
