package io.kraftwerk.model.report;

import io.kraftwerk.model.catalog.Provenance;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The outcome for one catalog resource.
 *
 * @param id                  {@code type[title]}
 * @param type                the resource type
 * @param status              see {@link ResourceStatus}
 * @param provenance          where the manifests declare it
 * @param outOfSyncCount      properties found out of sync
 * @param changeCount         properties changed (0 in noop and for audit resources)
 * @param corrective          at least one event is corrective
 * @param idempotencySuspect  it needed a corrective change on several runs in a row: probably a
 *                            provider or manifest bug, not an operator
 * @param message             why it failed or was skipped; empty otherwise
 * @param durationMillis      time spent on it
 * @param events              one per out-of-sync property, and refreshes
 */
public record ResourceReport(
        @NotBlank @Size(max = 1024, message = "must be at most {max} characters (what the master stores)") String id,
        @NotBlank @Size(max = 32, message = "must be at most {max} characters (what the master stores)") String type,
        @NotNull ResourceStatus status,
        @NotNull @Valid Provenance provenance,
        @PositiveOrZero int outOfSyncCount,
        @PositiveOrZero int changeCount,
        boolean corrective,
        boolean idempotencySuspect,
        @NotNull String message,
        @PositiveOrZero long durationMillis,
        @NotNull List<@NotNull @Valid Event> events) {

    public ResourceReport {
        events = events == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(events));
    }
}
