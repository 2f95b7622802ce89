package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Whether a resource should exist. */
public enum Ensure {
    @JsonProperty("present") PRESENT,
    @JsonProperty("absent") ABSENT
}
