package io.kraftwerk.model.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What an edge between two resources means. */
public enum EdgeKind {
    /** {@code from} is applied before {@code to}; a failure of {@code from} skips {@code to}. */
    @JsonProperty("order") ORDER,
    /** As {@link #ORDER}, and a change to {@code from} refreshes {@code to} (restart, reload). */
    @JsonProperty("notify") NOTIFY
}
