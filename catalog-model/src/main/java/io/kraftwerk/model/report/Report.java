package io.kraftwerk.model.report;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What one agent run did, documented in docs/report-format.md.
 *
 * @param formatVersion     {@link #FORMAT_VERSION}
 * @param node              the node's certname
 * @param runId             unique id of the run
 * @param catalogVersion    the manifests version the catalog was compiled from
 * @param environment       the catalog's environment
 * @param mode              enforce or noop
 * @param start             when the run started
 * @param durationMillis    how long it took
 * @param status            unchanged, changed or failed
 * @param noopPending       a noop run found changes to make
 * @param correctiveChange  at least one change repaired drift (or would have, in noop)
 * @param catalogSource     file, fresh or cached
 * @param catalogSourceNote why a cached catalog was used, empty otherwise
 * @param resources         every catalog resource, in catalog order
 * @param metrics           counts and timings
 * @param logs              the agent's log lines for the run
 */
public record Report(
        int formatVersion,
        @NotBlank @Size(max = 253, message = "must be at most {max} characters (what the master stores)") String node,
        @NotBlank @Size(max = 64, message = "must be at most {max} characters (what the master stores)") String runId,
        @NotBlank @Size(max = 128, message = "must be at most {max} characters (what the master stores)") String catalogVersion,
        @NotBlank @Size(max = 255, message = "must be at most {max} characters (what the master stores)") String environment,
        @NotNull RunMode mode,
        @NotNull Instant start,
        @PositiveOrZero long durationMillis,
        @NotNull RunStatus status,
        boolean noopPending,
        boolean correctiveChange,
        @NotNull CatalogSource catalogSource,
        @NotNull String catalogSourceNote,
        @NotNull List<@NotNull @Valid ResourceReport> resources,
        @NotNull @Valid Metrics metrics,
        @NotNull List<@NotNull @Valid LogLine> logs) {

    public static final int FORMAT_VERSION = 1;

    public Report {
        resources = resources == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(resources));
        logs = logs == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(logs));
    }
}
