package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.model.resource.ResourceId;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.validation.ModelValidator;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The resources of one node in declaration order. Declaring the same resource twice is allowed
 * when both declarations are identical (composites share packages this way); their relationships
 * and tags are merged. Two different declarations of one resource are an error.
 */
final class DeclarationSet {
    private final Map<ResourceId, Declaration> byId = new LinkedHashMap<>();
    private final Map<String, List<ResourceId>> composites = new LinkedHashMap<>();
    private final Diagnostics diagnostics;

    DeclarationSet(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    void add(Declaration declaration) {
        Declaration existing = byId.get(declaration.id());
        if (existing == null) {
            byId.put(declaration.id(), declaration);
            return;
        }
        if (existing.resource().equals(declaration.resource())) {
            byId.put(declaration.id(), new Declaration(existing.resource(), existing.meta().union(declaration.meta()),
                    existing.provenance(), existing.location()));
            return;
        }
        diagnostics.error(declaration.location(), declaration.id() + " is already declared at " + existing.location()
                + " with different attributes (" + String.join(", ", differences(existing, declaration)) + " differ)",
                "declare it once, or make both declarations identical");
    }

    /** Records which resources a composite such as {@code wsgi_app[blog]} expanded into. */
    void composite(String id, List<ResourceId> members) {
        composites.put(id, List.copyOf(members));
    }

    List<ResourceId> compositeMembers(String id) {
        return composites.get(id);
    }

    boolean hasComposite(String id) {
        return composites.containsKey(id);
    }

    boolean contains(ResourceId id) {
        return byId.containsKey(id);
    }

    List<Declaration> all() {
        return List.copyOf(byId.values());
    }

    List<String> titlesOf(ResourceType type) {
        return byId.keySet().stream().filter(id -> id.type() == type).map(ResourceId::title).toList();
    }

    private static List<String> differences(Declaration a, Declaration b) {
        List<String> names = new ArrayList<>();
        for (RecordComponent c : a.resource().getClass().getRecordComponents()) {
            try {
                if (!Objects.equals(c.getAccessor().invoke(a.resource()), c.getAccessor().invoke(b.resource()))) {
                    names.add(ModelValidator.snakeCase(c.getName()));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot compare " + a.id() + " (this is a Kraftwerk bug, please report it)", e);
            }
        }
        return names;
    }
}
