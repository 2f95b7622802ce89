package io.kraftwerk.agent.provider;

import io.kraftwerk.model.resource.Resource;
import java.util.List;

/**
 * Manages one resource type in three steps: {@link #desired} (pure: the catalog's wish as
 * properties), {@link #observe} (read the node, change nothing) and {@link #apply} (make the
 * changes). The engine diffs desired against observed itself ({@link Diff}); a noop run never calls
 * {@code apply}, so noop cannot be forgotten by a provider.
 */
public interface Provider<R extends Resource> {

    Class<R> resourceClass();

    Desired desired(R resource);

    /** Reads the node. Must not change anything. */
    Observed observe(R resource, ProviderContext context) throws Exception;

    /**
     * Makes {@code changes} true on the node. Throw {@link ProviderException} with a message for
     * the report when that is not possible; leave the node as it was where you can.
     *
     * @return whether applying already restarted or reloaded what a refresh would (so a pending
     *         refresh is not done twice)
     */
    boolean apply(R resource, List<Change> changes, ProviderContext context) throws Exception;
}
