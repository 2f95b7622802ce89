package io.kraftwerk.agent.provider;

import io.kraftwerk.model.resource.Resource;

/** Resources that act on a notification: services restart, nginx reloads. */
public interface Refreshable<R extends Resource> {
    /** @return what was done, for the report, e.g. "restarted" */
    String refresh(R resource, ProviderContext context) throws Exception;
}
