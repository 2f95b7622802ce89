package io.kraftwerk.model.report;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What happened to one resource in a run. */
public enum ResourceStatus {
    /** Observed in sync; nothing to do. */
    @JsonProperty("in_sync") IN_SYNC,
    /** Out of sync and corrected. */
    @JsonProperty("changed") CHANGED,
    /** Reading or changing it failed; its dependents are skipped. */
    @JsonProperty("failed") FAILED,
    /** Not touched because something it depends on failed or was skipped. */
    @JsonProperty("skipped") SKIPPED,
    /** Out of sync in a noop run: this is what would change. */
    @JsonProperty("pending") PENDING,
    /** An {@code audit: true} resource found out of sync: reported, never changed. */
    @JsonProperty("audit") AUDIT
}
