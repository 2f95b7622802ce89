package io.kraftwerk.agent.engine;

import io.kraftwerk.model.report.ResourceReport;

/** Told about each resource as soon as it is done, so output can stream during long runs. */
public interface RunListener {
    void resourceDone(ResourceReport resource);

    RunListener NONE = resource -> { };
}
