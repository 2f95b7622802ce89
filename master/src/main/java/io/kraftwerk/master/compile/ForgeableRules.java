package io.kraftwerk.master.compile;

import io.kraftwerk.master.compile.composite.WsgiApp;
import io.kraftwerk.master.compile.composite.WsgiAppSpec;
import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.YList;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.resource.SensitivityMarks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds rules a node can talk its way into: a rule matched only by {@code facts:} trusts what the
 * agent reports, and any node can report {@code os.codename: bookworm}. When such a rule gives a
 * role that declares sensitive values ({@code sensitive: true}, {@code sensitive_env}), every node
 * that claims the facts receives those secrets: a warning that says to match {@code trusted:} values
 * from the certificate (or the name) instead. A declaration that uses an encrypted value — written in
 * it, or a {@code ${data.…}} reference to data that holds one in any data file — counts too: it is
 * sensitive by that alone.
 */
final class ForgeableRules {
    private ForgeableRules() {
    }

    private static final Pattern DATA_REFERENCE = Pattern.compile("\\$\\{\\s*data\\.([^}\\s]+)\\s*}");

    static List<Diagnostic> warnings(List<NodeRule> rules, Map<String, RoleDef> roles, List<YMap> data) {
        Set<String> secretData = new TreeSet<>();
        data.forEach(layer -> encryptedPaths(layer, "", secretData));
        // and data that refers to such data (a: ${data.b}, b encrypted), to any depth
        boolean grew = true;
        while (grew) {
            Set<String> referring = new TreeSet<>();
            data.forEach(layer -> referringPaths(layer, "", secretData, referring));
            grew = secretData.addAll(referring);
        }
        Set<Diagnostic> out = new TreeSet<>();
        for (NodeRule rule : rules) {
            if (!rule.matchesOnlyAgentFacts()) {
                continue;
            }
            for (YScalar reference : rule.roles()) {
                sensitiveDeclaration(reference.text(), roles, secretData, new LinkedHashSet<>()).ifPresent(found -> out.add(new Diagnostic(
                        rule.location(), "this rule gives role '" + reference.text() + "', which declares " + found
                        + ", to any node whose agent reports " + describe(rule.facts()) + ": facts are what a node says of itself,"
                        + " so any node can claim them and receive the secret",
                        "match on 'trusted:' values from the node's certificate (kw-master ca sign NAME --trusted role="
                                + reference.text() + ") or on 'name'/'glob' instead")));
            }
        }
        return List.copyOf(out);
    }

    /** The first sensitive declaration of the role or a role it includes, as "file[/x] (roles/r.yaml:3:5)". */
    private static Optional<String> sensitiveDeclaration(String role, Map<String, RoleDef> roles, Set<String> secretData,
                                                         Set<String> seen) {
        RoleDef def = roles.get(role);
        if (def == null || !seen.add(role)) {
            return Optional.empty();
        }
        for (YMap.Entry type : def.resources().entries()) {
            if (type.value() instanceof YMap titles) {
                for (YMap.Entry title : titles.entries()) {
                    if (title.value() instanceof YMap attributes
                            && (isSensitive(type.name(), attributes) || usesEncrypted(attributes, secretData))) {
                        return Optional.of(type.name() + "[" + title.name() + "] (" + title.key().location() + ")");
                    }
                }
            }
        }
        for (YScalar include : def.includes()) {
            Optional<String> found = sensitiveDeclaration(include.text(), roles, secretData, seen);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** Whether the declaration sets one of the attributes its type marks secrets with (see {@link io.kraftwerk.model.resource.Sensitivity}). */
    private static boolean isSensitive(String type, YMap attributes) {
        Optional<Class<?>> kind = type.equals(WsgiApp.TYPE) ? Optional.of(WsgiAppSpec.class)
                : ResourceType.fromWireName(type).map(ResourceType::recordClass);
        if (kind.isEmpty()) {
            return false; // an unknown type is a compile error of its own
        }
        Map<String, Object> markers = new HashMap<>();
        List<String> read = new ArrayList<>(SensitivityMarks.of(kind.get()).orElse(List.of()));
        if (SensitivityMarks.always(kind.get())) {
            SensitivityMarks.protectedAttribute(kind.get()).ifPresent(read::add);
        }
        for (String marker : read) {
            attributes.get(marker).ifPresent(v -> markers.put(marker, v instanceof YScalar s ? s.text() : v instanceof YList l ? l.items() : v));
        }
        return SensitivityMarks.marks(kind.get(), markers);
    }

    /** The dotted paths of a data map whose values are encrypted. */
    private static void encryptedPaths(YNode node, String path, Set<String> out) {
        if (node instanceof YScalar s && s.text().startsWith(SecretOpener.PREFIX)) {
            out.add(path);
        } else if (node instanceof YMap map) {
            map.entries().forEach(e -> encryptedPaths(e.value(), path.isEmpty() ? e.name() : path + "." + e.name(), out));
        } else if (node instanceof YList list) {
            list.items().forEach(item -> encryptedPaths(item, path, out));
        }
    }

    /** The dotted paths of a data map whose values refer to secret data. */
    private static void referringPaths(YNode node, String path, Set<String> secretData, Set<String> out) {
        if (node instanceof YMap map) {
            map.entries().forEach(e -> referringPaths(e.value(), path.isEmpty() ? e.name() : path + "." + e.name(), secretData, out));
        } else if (!path.isEmpty() && usesEncrypted(node, secretData)) {
            out.add(path);
        }
    }

    /** Whether a declaration holds an encrypted value or refers to data that holds one (or to a map around it). */
    private static boolean usesEncrypted(YNode node, Set<String> secretData) {
        if (node instanceof YScalar s) {
            if (s.text().startsWith(SecretOpener.PREFIX)) {
                return true;
            }
            Matcher m = DATA_REFERENCE.matcher(s.text());
            while (m.find()) {
                String key = m.group(1);
                if (secretData.stream().anyMatch(p -> p.equals(key) || p.startsWith(key + ".") || key.startsWith(p + "."))) {
                    return true;
                }
            }
            return false;
        }
        if (node instanceof YMap map) {
            return map.entries().stream().anyMatch(e -> usesEncrypted(e.value(), secretData));
        }
        return node instanceof YList list && list.items().stream().anyMatch(item -> usesEncrypted(item, secretData));
    }

    private static String describe(List<NodeRule.FactCondition> facts) {
        List<String> parts = new ArrayList<>();
        facts.forEach(f -> parts.add(f.path() + "=" + String.join("|", f.values())));
        return String.join(", ", parts);
    }
}
