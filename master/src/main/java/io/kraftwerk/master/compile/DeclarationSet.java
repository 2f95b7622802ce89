package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.ResourceId;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import io.kraftwerk.model.resource.SshAuthorizedKeyResource;
import io.kraftwerk.model.validation.ModelValidator;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;

/**
 * The resources of one node in declaration order. Declaring the same resource twice is allowed
 * when both declarations are identical (composites share packages this way); their relationships
 * and tags are merged. Two different declarations of one resource are an error.
 */
final class DeclarationSet {
    private final Map<ResourceId, Declaration> byId = new LinkedHashMap<>();
    private final Map<String, List<ResourceId>> composites = new LinkedHashMap<>();
    /** The SSH keys declared present, by user and key: one key is one line of one file, whatever its title. */
    private final Map<String, Declaration> sshKeys = new HashMap<>();
    /** The databases that set a password, by owner role: one role has one password, whichever database sets it. */
    private final Map<String, Declaration> ownerPasswords = new HashMap<>();
    private final Diagnostics diagnostics;

    DeclarationSet(Diagnostics diagnostics) {
        this.diagnostics = diagnostics;
    }

    void add(Declaration declaration) {
        Declaration existing = byId.get(declaration.id());
        if (existing == null) {
            byId.put(declaration.id(), declaration);
            sameKeyTwice(declaration);
            samePasswordForOneOwner(declaration);
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

    /** Two titles for one key of one user would rewrite each other's line on every run. */
    private void sameKeyTwice(Declaration declaration) {
        if (declaration.resource() instanceof SshAuthorizedKeyResource key && key.ensure() == Ensure.PRESENT) {
            Declaration other = sshKeys.putIfAbsent(key.user() + " " + key.key(), declaration);
            if (other != null) {
                diagnostics.error(declaration.location(), declaration.id() + " gives user " + key.user() + " the key "
                        + other.id() + " already gives (" + other.location() + "); the file holds one line per key",
                        "declare the key once, with the options and comment it should have");
            }
        }
    }

    /** Two databases that give their shared owner different passwords would reset it on every run, each in turn. */
    private void samePasswordForOneOwner(Declaration declaration) {
        if (declaration.resource() instanceof PostgresqlDatabaseResource db && db.ensure() == Ensure.PRESENT && db.password() != null) {
            Declaration other = ownerPasswords.putIfAbsent(db.owner() + ":" + db.port(), declaration);
            if (other != null && !db.password().equals(((PostgresqlDatabaseResource) other.resource()).password())) {
                diagnostics.error(declaration.location(), declaration.id() + " gives its owner role " + db.owner() + " another password"
                        + " than " + other.id() + " does (" + other.location() + "); a role has one password",
                        "give both the same password (the same data value), or set it on one of them only");
            }
        }
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

    Optional<Declaration> get(ResourceId id) {
        return Optional.ofNullable(byId.get(id));
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
