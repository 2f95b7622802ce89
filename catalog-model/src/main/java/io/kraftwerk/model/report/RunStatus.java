package io.kraftwerk.model.report;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The outcome of a whole run. In noop, pending changes count as {@code changed}: see {@code noop_pending}. */
public enum RunStatus {
    @JsonProperty("unchanged") UNCHANGED,
    @JsonProperty("changed") CHANGED,
    @JsonProperty("failed") FAILED
}
