package io.kraftwerk.model.catalog;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;

/**
 * Where a catalog resource was declared.
 *
 * @param file      manifest file, relative to the manifests root, e.g. {@code roles/web.yaml}
 * @param line      1-based line of the declaration
 * @param column    1-based column of the declaration
 * @param role      the role that declared it, null when declared outside a role
 * @param composite the composite that expanded into it, e.g. {@code wsgi_app[blog]}; null when
 *                  declared directly
 */
public record Provenance(
        @NotNull String file,
        @Positive int line,
        @Positive int column,
        String role,
        String composite) {

    /** {@code roles/web.yaml:12:5}. */
    public String location() {
        return file + ":" + line + ":" + column;
    }
}
