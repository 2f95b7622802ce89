package io.kraftwerk.model.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;

/**
 * A line of the agent's log for this run.
 *
 * @param time     when
 * @param level    info, warning or error
 * @param source   the resource it concerns, or {@code agent}
 * @param message  the text (never a secret)
 */
public record LogLine(@NotNull Instant time, @NotNull Level level, @NotNull String source, @NotNull String message) {

    public enum Level {
        @JsonProperty("info") INFO,
        @JsonProperty("warning") WARNING,
        @JsonProperty("error") ERROR
    }
}
