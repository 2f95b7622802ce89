package io.kraftwerk.model.report;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a run changed the node or only looked. */
public enum RunMode {
    @JsonProperty("enforce") ENFORCE,
    @JsonProperty("noop") NOOP
}
