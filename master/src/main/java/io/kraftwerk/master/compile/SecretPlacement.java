package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.YList;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.model.resource.SensitivityMarks;
import io.kraftwerk.model.validation.ModelValidator;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a value decrypted from the manifests may go, and what it marks. Only into the attribute its
 * type keeps secret ({@code @Sensitivity(protects = ...)}: a file's content, an env value), which it
 * then marks itself ({@code sensitive: true}, the name added to {@code sensitive_env}): a value that
 * came from an encrypted one is secret without anybody having to remember to say so. Anywhere else
 * (a path, a name, a command, a title, a relationship) it would be printed in reports, logs, diffs
 * and the dashboard, so it is a compile error at the place it is used, and the message shows no
 * part of it.
 */
final class SecretPlacement {
    private SecretPlacement() {
    }

    /**
     * @param type       the record the attributes bind to (a resource or a composite's spec)
     * @param owner      how messages name the declaration, e.g. {@code file[/etc/app.key]}
     * @param feeding    manifest-only keys whose values become the protected attribute (a file's template {@code vars})
     * @param derived    the protected attribute is made from a secret elsewhere (a template that read one)
     * @return the attributes with the marks set, and every misplaced secret replaced by an already-reported failure
     */
    static YMap place(Class<?> type, String owner, YMap attributes, Collection<String> feeding, boolean derived,
                      Diagnostics diagnostics) {
        Optional<String> protectedAttribute = SensitivityMarks.protectedAttribute(type);
        boolean secret = derived;
        Set<String> secretNames = new LinkedHashSet<>();
        List<YMap.Entry> placed = new ArrayList<>(attributes.entries().size());
        for (YMap.Entry e : attributes.entries()) {
            List<Found> found = new ArrayList<>();
            find(e.value(), "", found);
            if (found.isEmpty()) {
                placed.add(e);
            } else if (protectedAttribute.isPresent() && e.name().equals(protectedAttribute.get()) || feeding.contains(e.name())) {
                secret = true;
                if (e.name().equals(protectedAttribute.orElse(null)) && e.value() instanceof YMap) {
                    found.forEach(f -> secretNames.add(f.path().substring(1).split("[.\\[]", 2)[0]));
                }
                placed.add(e);
            } else {
                // reported where it is used; the value may be data defined elsewhere, which the message names
                found.forEach(f -> diagnostics.error(e.key().location(), owner + ": '" + e.name() + f.path()
                        + "' cannot take a secret (it comes from " + origin(f.scalar(), e.key())
                        + "): it would show in reports, logs and the dashboard",
                        protectedAttribute.map(p -> "only '" + p + "' can hold a secret here; it is then kept out of every report")
                                .orElse("this type holds no secrets; put a secret into a file's content or a service's env")));
                placed.add(new YMap.Entry(e.key(), YScalar.failed(e.value().location())));
            }
        }
        YMap result = new YMap(placed, attributes.location());
        return secret ? mark(type, owner, result, secretNames, diagnostics) : result;
    }

    /** Whether a resolved value holds a secret anywhere in it. */
    static boolean holdsSecret(YNode value) {
        List<Found> found = new ArrayList<>();
        find(value, "", found);
        return !found.isEmpty();
    }

    /** Sets the type's mark: its flag to true, or the secret names added to its list. */
    private static YMap mark(Class<?> type, String owner, YMap attributes, Set<String> names, Diagnostics diagnostics) {
        if (SensitivityMarks.always(type)) {
            return attributes; // secret whenever set: nothing to mark
        }
        String marker = SensitivityMarks.of(type).orElse(List.of()).get(0);
        Optional<YNode> written = attributes.get(marker);
        YNode value;
        if (FLAG_MARKED.get(type)) {
            if (written.isPresent() && written.get() instanceof YScalar s && s.text().equals("false")) {
                diagnostics.error(s.location(), owner + ": '" + marker + ": false', but its content comes from an encrypted value",
                        "remove '" + marker + ": false': content made from a secret is always sensitive");
                return attributes;
            }
            value = new YScalar("true", YScalar.Kind.BOOL, false, attributes.location());
        } else if (written.isEmpty() || written.get() instanceof YScalar s && s.isNull()) {
            value = new YList(names.stream().map(n -> (YNode) YScalar.string(n, attributes.location())).toList(), attributes.location());
        } else if (written.get() instanceof YList list) {
            List<YNode> items = new ArrayList<>(list.items());
            names.stream().filter(n -> list.items().stream().noneMatch(i -> i instanceof YScalar s && s.text().equals(n)))
                    .forEach(n -> items.add(YScalar.string(n, list.location())));
            value = new YList(items, list.location());
        } else {
            return attributes; // not a list: the binder says so
        }
        List<YMap.Entry> entries = new ArrayList<>(attributes.entries());
        YMap.Entry entry = new YMap.Entry(written.isPresent() ? attributes.entry(marker).get().key()
                : YScalar.string(marker, attributes.location()), value);
        entries.removeIf(e -> e.name().equals(marker));
        entries.add(entry);
        return new YMap(entries, attributes.location());
    }

    /** Whether a type's mark is a flag (or a list of names), by its record component; looked up once per type. */
    private static final ClassValue<Boolean> FLAG_MARKED = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            String marker = SensitivityMarks.of(type).orElse(List.of()).get(0);
            for (RecordComponent c : type.getRecordComponents()) {
                if (ModelValidator.snakeCase(c.getName()).equals(marker)) {
                    return c.getType() == boolean.class || c.getType() == Boolean.class;
                }
            }
            throw new IllegalStateException(type.getSimpleName() + " has no attribute '" + marker + "' that its @Sensitivity names"
                    + " (this is a Kraftwerk bug, please report it)");
        }
    };

    /** Where the secret came from, when that is not the line it is used on. */
    private static String origin(YScalar secret, YScalar usage) {
        return secret.location().file().equals(usage.location().file()) && secret.location().line() == usage.location().line()
                ? "an encrypted value" : "the encrypted value at " + secret.location();
    }

    private static void find(YNode node, String path, List<Found> found) {
        if (node instanceof YScalar s) {
            if (s.isSecret()) {
                found.add(new Found(path, s));
            }
        } else if (node instanceof YList list) {
            for (int i = 0; i < list.items().size(); i++) {
                find(list.items().get(i), path + "[" + i + "]", found);
            }
        } else if (node instanceof YMap map) {
            map.entries().forEach(e -> find(e.value(), path + "." + e.name(), found));
        }
    }

    /** A secret scalar and its path below the attribute, e.g. {@code .SECRET_KEY} or {@code [2]}. */
    private record Found(String path, YScalar scalar) {
    }
}
