package io.kraftwerk.model.report;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What became of one out-of-sync property. */
public enum EventStatus {
    @JsonProperty("success") SUCCESS,
    @JsonProperty("failure") FAILURE,
    /** Would change (noop run). */
    @JsonProperty("noop") NOOP,
    /** Out of sync on an audit resource: left as it is. */
    @JsonProperty("audit") AUDIT
}
