package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.model.Suggestions;
import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.resource.ResourceId;
import io.kraftwerk.model.resource.ResourceType;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@code require}, {@code before}, {@code notify} and {@code subscribe} into edges. A
 * reference to a composite such as {@code wsgi_app[blog]} means every resource it expanded into.
 */
final class ExplicitEdges {
    private final DeclarationSet declarations;
    private final Diagnostics diagnostics;

    ExplicitEdges(DeclarationSet declarations, Diagnostics diagnostics) {
        this.declarations = declarations;
        this.diagnostics = diagnostics;
    }

    List<EdgeSpec> edges() {
        List<EdgeSpec> edges = new ArrayList<>();
        for (Declaration d : declarations.all()) {
            Meta meta = d.meta();
            meta.require().forEach(ref -> targets(ref, d).forEach(t ->
                    edges.add(new EdgeSpec(t, d.id(), EdgeKind.ORDER, "require at " + ref.location()))));
            meta.before().forEach(ref -> targets(ref, d).forEach(t ->
                    edges.add(new EdgeSpec(d.id(), t, EdgeKind.ORDER, "before at " + ref.location()))));
            meta.notifies().forEach(ref -> targets(ref, d).forEach(t ->
                    edges.add(new EdgeSpec(d.id(), t, EdgeKind.NOTIFY, "notify at " + ref.location()))));
            meta.subscribe().forEach(ref -> targets(ref, d).forEach(t ->
                    edges.add(new EdgeSpec(t, d.id(), EdgeKind.NOTIFY, "subscribe at " + ref.location()))));
        }
        return edges;
    }

    private List<ResourceId> targets(Meta.Ref ref, Declaration from) {
        String text = ref.text();
        int open = text.indexOf('[');
        if (open <= 0 || !text.endsWith("]") || open == text.length() - 2) {
            diagnostics.error(ref.location(), "'" + text + "' is not a resource reference",
                    "write type[title], e.g. package[nginx] or file[/etc/app.conf]");
            return List.of();
        }
        String type = text.substring(0, open);
        if (Declarer.COMPOSITES.contains(type)) {
            List<ResourceId> members = declarations.compositeMembers(text);
            if (members == null) {
                diagnostics.error(ref.location(), "'" + text + "' is not declared for this node", null);
                return List.of();
            }
            return members.stream().filter(id -> !id.equals(from.id())).toList();
        }
        if (ResourceType.fromWireName(type).isEmpty()) {
            List<String> known = new ArrayList<>(ResourceType.wireNames());
            known.addAll(Declarer.COMPOSITES);
            diagnostics.error(ref.location(), "unknown resource type '" + type + "' in reference '" + text + "'",
                    Suggestions.closest(type, known).map(s -> "did you mean '" + s + "'?").orElse("known types: " + String.join(", ", known)));
            return List.of();
        }
        ResourceId id = ResourceId.parse(text).orElseThrow();
        if (id.equals(from.id())) {
            diagnostics.error(ref.location(), from.id() + " refers to itself", "remove the reference");
            return List.of();
        }
        if (!declarations.contains(id)) {
            String title = id.title();
            diagnostics.error(ref.location(), "reference to undeclared resource " + id,
                    Suggestions.closest(title, declarations.titlesOf(id.type()))
                            .map(s -> "did you mean " + id.type().wireName() + "[" + s + "]?")
                            .orElse("declare it in a role of this node, or remove the reference"));
            return List.of();
        }
        return List.of(id);
    }
}
