package io.kraftwerk.model.catalog;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

/**
 * A relationship between two catalog resources, normalized so that {@code from} always comes first:
 * {@code require} and {@code subscribe} point the other way in manifests and are flipped.
 *
 * @param from   the resource applied first, as {@code type[title]}
 * @param to     the resource applied after it
 * @param kind   {@code order} or {@code notify}
 * @param reason why the edge exists: the manifest location of an explicit relationship, or the
 *               rule that implied it
 */
public record Edge(
        @NotNull String from,
        @NotNull String to,
        @NotNull EdgeKind kind,
        @NotBlank String reason) {
}
