package io.kraftwerk.master.compile;

import io.kraftwerk.master.compile.composite.WsgiApp;
import io.kraftwerk.master.compile.composite.WsgiAppSpec;
import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.model.Suggestions;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.resource.ResourceId;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.validation.ModelValidator;
import io.kraftwerk.model.validation.Violation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Walks the {@code resources:} of a node's roles (type → title → attributes), interpolates them,
 * and turns each into validated declarations, expanding composites in place.
 */
final class Declarer {
    static final List<String> COMPOSITES = List.of(WsgiApp.TYPE);

    private final Interpolator interpolator;
    private final ArtifactIndex artifacts;
    private final Diagnostics diagnostics;
    private final RecordBinder binder;
    private final FileContent fileContent;
    private final DeclarationSet declarations;
    /** Apps that use databases, expanded once every role has declared what it declares (a database may come later). */
    private final List<PendingApp> withDatabases = new ArrayList<>();

    Declarer(Site site, Interpolator interpolator, ArtifactIndex artifacts, Diagnostics diagnostics) {
        this.interpolator = interpolator;
        this.artifacts = artifacts;
        this.diagnostics = diagnostics;
        this.binder = new RecordBinder(diagnostics);
        this.fileContent = new FileContent(site, interpolator, diagnostics);
        this.declarations = new DeclarationSet(diagnostics);
    }

    /** Everything declared; call once every role is declared. */
    DeclarationSet declarations() {
        withDatabases.forEach(app -> databases(app).ifPresent(found -> expand(app, found)));
        withDatabases.clear();
        return declarations;
    }

    void declareRole(RoleDef role) {
        for (YMap.Entry typeEntry : role.resources().entries()) {
            String type = typeEntry.name();
            Optional<ResourceType> resourceType = ResourceType.fromWireName(type);
            if (resourceType.isEmpty() && !COMPOSITES.contains(type)) {
                List<String> known = new ArrayList<>(ResourceType.wireNames());
                known.addAll(COMPOSITES);
                diagnostics.error(typeEntry.key().location(), "unknown resource type '" + type + "'",
                        Suggestions.closest(type, known).map(s -> "did you mean '" + s + "'?")
                                .orElse("known types: " + String.join(", ", known)));
                continue;
            }
            YNode titles = interpolator.resolve(typeEntry.value());
            if (titles instanceof YScalar s && (s.isNull() || s.isFailed())) {
                continue;
            }
            if (!(titles instanceof YMap titleMap)) {
                diagnostics.error(titles.location(), "'" + type + "' must map titles to attributes, not " + titles.describe(),
                        "write e.g. '" + type + ":' then '  TITLE: {}' on the next line");
                continue;
            }
            for (YMap.Entry entry : titleMap.entries()) {
                YScalar resolved = interpolator.resolveText(entry.key());
                if (resolved.isFailed()) {
                    continue;
                }
                if (resolved.isSecret()) {
                    diagnostics.error(entry.key().location(), "a " + type + " title cannot be a secret (it comes from an encrypted value):"
                            + " titles show in every report", "name the resource with a plain value");
                    continue;
                }
                // the declaration is where its key is written, even when a reference supplied the text
                YScalar title = new YScalar(resolved.text(), resolved.kind(), entry.key().quoted(), entry.key().location());
                attributes(type, title, entry.value()).ifPresent(attributes -> {
                    if (resourceType.isPresent()) {
                        declareResource(resourceType.get(), title, attributes, role);
                    } else {
                        declareWsgiApp(title, attributes, role);
                    }
                });
            }
        }
    }

    private Optional<YMap> attributes(String type, YScalar title, YNode value) {
        if (value instanceof YMap map) {
            return Optional.of(map);
        }
        if (value instanceof YScalar s && s.isNull()) {
            return Optional.of(YMap.empty(title.location()));
        }
        if (!(value instanceof YScalar s && s.isFailed())) {
            diagnostics.error(value.location(), type + "[" + title.text() + "]: attributes must be a map, not "
                    + value.describe(), "write the attributes indented under the title, or '{}' for none");
        }
        return Optional.empty();
    }

    private void declareResource(ResourceType type, YScalar title, YMap written, RoleDef role) {
        String owner = type.wireName() + "[" + title.text() + "]";
        List<String> feeding = type == ResourceType.FILE ? List.of("vars") : List.of();
        YMap attributes = SecretPlacement.place(type.recordClass(), owner, written, feeding, false, diagnostics);
        Meta meta = Meta.read(attributes, owner, diagnostics);
        List<String> handled = new ArrayList<>(Meta.KEYS);
        Map<String, Object> preset = new HashMap<>();
        String titleKey = RecordBinder.attributeNames(type.recordClass()).get(0);
        preset.put(titleKey, title.text());
        if (type == ResourceType.FILE) {
            handled.addAll(FileContent.KEYS);
            FileContent.Content content = fileContent.content(owner, attributes);
            if (content.failed()) {
                return;
            }
            if (content.text() != null) {
                preset.put("content", content.text());
            }
            if (content.secret()) {
                attributes = SecretPlacement.place(type.recordClass(), owner, attributes, feeding, true, diagnostics);
            }
        }
        binder.bind(type.recordClass(), owner, title.location(), attributes, preset, handled)
                .ifPresent(resource -> declarations.add(new Declaration(resource, meta,
                        provenance(title.location(), role, null), title.location())));
    }

    private void declareWsgiApp(YScalar title, YMap written, RoleDef role) {
        String owner = WsgiApp.TYPE + "[" + title.text() + "]";
        YMap attributes = SecretPlacement.place(WsgiAppSpec.class, owner, written, List.of(), false, diagnostics);
        Meta meta = Meta.read(attributes, owner, diagnostics);
        Optional<WsgiAppSpec> spec = binder.bind(WsgiAppSpec.class, owner, title.location(), attributes,
                Map.of("name", title.text()), Meta.KEYS);
        if (spec.isEmpty()) {
            return;
        }
        Optional<ResolvedArtifacts.Resolved> resolved = ResolvedArtifacts.resolve(spec.get(), owner, attributes, title.location(),
                artifacts, diagnostics);
        if (resolved.isEmpty()) {
            return;
        }
        PendingApp app = new PendingApp(owner, resolved.get(), meta, role, title, attributes);
        if (spec.get().ensure() == Ensure.PRESENT && !spec.get().databases().isEmpty()) {
            withDatabases.add(app);
        } else {
            expand(app, List.of());
        }
    }

    private void expand(PendingApp app, List<PostgresqlDatabaseResource> databases) {
        Set<ResourceId> members = new LinkedHashSet<>();
        for (Resource member : WsgiApp.expand(app.resolved().app(), app.resolved().refs(), databases)) {
            List<Violation> violations = member instanceof Record r ? ValidRecords.validate(r) : ModelValidator.get().validate(member);
            if (!violations.isEmpty()) {
                violations.forEach(v -> diagnostics.error(app.title().location(), app.owner() + " expands to " + member.id()
                        + ", whose " + v, "adjust the attribute of " + app.owner() + " it comes from"));
                continue;
            }
            members.add(member.id());
            declarations.add(new Declaration(member, app.meta(), provenance(app.title().location(), app.role(), app.owner()),
                    app.title().location()));
        }
        declarations.composite(app.owner(), List.copyOf(members));
    }

    /** The databases an app names, each declared present on this node; empty after reporting each that is not. */
    private Optional<List<PostgresqlDatabaseResource>> databases(PendingApp app) {
        List<PostgresqlDatabaseResource> found = new ArrayList<>();
        Location at = app.attributes().entry("databases").map(e -> e.key().location()).orElse(app.title().location());
        boolean missing = false;
        for (String name : app.resolved().app().databases()) {
            Optional<Declaration> declared = declarations.get(new ResourceId(ResourceType.POSTGRESQL_DATABASE, name));
            if (declared.isPresent() && !declared.get().resource().absent()) {
                found.add((PostgresqlDatabaseResource) declared.get().resource());
                continue;
            }
            missing = true;
            diagnostics.error(at, app.owner() + ": 'databases' names '" + name + "', but this node "
                    + (declared.isEmpty() ? "declares no postgresql_database[" + name + "]" : "removes postgresql_database[" + name
                    + "] (ensure: absent, at " + declared.get().location() + ")"),
                    "declare 'postgresql_database: " + name + ": {...}' in a role of this node, or remove it from 'databases'"
                    + " (an app uses the databases of its own node)");
        }
        return missing ? Optional.empty() : Optional.of(found);
    }

    /** A wsgi_app bound and resolved, waiting for its expansion. */
    private record PendingApp(String owner, ResolvedArtifacts.Resolved resolved, Meta meta, RoleDef role, YScalar title,
                              YMap attributes) {
    }

    private static Provenance provenance(Location at, RoleDef role, String composite) {
        return new Provenance(at.file(), at.line(), at.column(), role.name(), composite);
    }
}
