package io.kraftwerk.model.report;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * One property of one resource that was out of sync, or a refresh.
 *
 * @param property   e.g. {@code mode}, {@code content}, {@code ensure}, or {@code refresh}
 * @param previous   the value found on the node (a digest for content, {@code [sensitive]} for
 *                   secrets); null when the thing did not exist
 * @param desired    the value the catalog asks for, shown the same way
 * @param status     success, failure, noop or audit
 * @param message    what was done or why it failed
 * @param corrective true when the node had drifted from the value Kraftwerk last knew it to hold
 *                   (changed behind the agent's back); false for a change of the catalog
 * @param diff       a unified diff of the content for file changes; null otherwise and always null
 *                   for sensitive content
 */
public record Event(
        @NotBlank @Size(max = 128, message = "must be at most {max} characters (what the master stores)") String property,
        String previous,
        String desired,
        @NotNull EventStatus status,
        @NotNull String message,
        boolean corrective,
        String diff) {
}
