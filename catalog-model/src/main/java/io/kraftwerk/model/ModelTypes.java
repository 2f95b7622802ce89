package io.kraftwerk.model;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Edge;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.resource.TlsSettings;
import java.util.ArrayList;
import java.util.List;

/** The record types a catalog is made of, for validation warm-up. */
public final class ModelTypes {
    public static final List<Class<? extends Record>> CATALOG_RECORDS = catalogRecords();

    private ModelTypes() {
    }

    @SuppressWarnings("unchecked")
    private static List<Class<? extends Record>> catalogRecords() {
        List<Class<? extends Record>> out = new ArrayList<>(List.of(Catalog.class, CatalogResource.class, Edge.class,
                Provenance.class, TlsSettings.class));
        for (ResourceType t : ResourceType.values()) {
            out.add((Class<? extends Record>) t.recordClass());
        }
        return List.copyOf(out);
    }
}
