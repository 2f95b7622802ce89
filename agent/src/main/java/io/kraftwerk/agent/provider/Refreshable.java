package io.kraftwerk.agent.provider;

import io.kraftwerk.model.resource.Resource;

/** Resources that act on a notification: services restart, nginx reloads. */
public interface Refreshable<R extends Resource> {
    /**
     * @return what was done, for the report, e.g. "restarted"; null when there was nothing to do
     *         (the resource stays unchanged and notifies nothing further)
     */
    String refresh(R resource, ProviderContext context) throws Exception;
}
