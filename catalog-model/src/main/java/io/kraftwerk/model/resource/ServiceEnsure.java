package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The desired state of a supervised service. */
public enum ServiceEnsure {
    /** Installed, linked into the service directory and up. */
    @JsonProperty("running") RUNNING,
    /** Installed and linked, but held down ({@code sv down}). */
    @JsonProperty("stopped") STOPPED,
    /** Stopped, unlinked and its service directory removed (logs are kept). */
    @JsonProperty("absent") ABSENT
}
