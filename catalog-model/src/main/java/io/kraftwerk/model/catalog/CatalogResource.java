package io.kraftwerk.model.catalog;

import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.validation.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One resource of a catalog with what the engine needs around it.
 *
 * @param id         the resource id, {@code type[title]}, repeated for readers of the JSON
 * @param resource   the desired state
 * @param audit      report drift on this resource but never change it
 * @param tags       labels for selecting resources in reports and on the dashboard
 * @param provenance where it was declared
 */
public record CatalogResource(
        @NotNull String id,
        @NotNull @Valid Resource resource,
        boolean audit,
        @NotNull List<@NotNull @Tag String> tags,
        @NotNull @Valid Provenance provenance) {

    public CatalogResource {
        tags = tags == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(tags));
    }

    public static CatalogResource of(Resource resource, boolean audit, List<String> tags, Provenance provenance) {
        return new CatalogResource(resource.id().toString(), resource, audit, tags, provenance);
    }
}
