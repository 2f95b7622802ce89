package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.master.manifest.Location;
import io.kraftwerk.master.manifest.YList;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import io.kraftwerk.master.manifest.YScalar;
import io.kraftwerk.model.Suggestions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${data.key}}, {@code ${facts.name}}, {@code ${trusted.name}}, {@code ${node.name}} and
 * {@code ${fleet.query}} (see {@link FleetData}) in manifest values.
 * A value that is nothing but one reference takes the referenced value whole, keeping its type (a
 * number, a list, a map); a reference inside text must name a scalar. {@code $${} writes a literal
 * {@code ${}. Data values may themselves refer to data and facts; lookups are memoized per node and
 * reference cycles are errors.
 *
 * <p>An {@code ENC[...]} value is opened here, the first time it is resolved: only values that go
 * into the catalog (or into a template that renders for it) are ever decrypted. What it opens to is
 * a {@link YScalar.Kind#SECRET} scalar, and so is any text a secret is inserted into, so that later
 * steps know where secrets went without looking at them.
 */
final class Interpolator {
    static final List<String> NAMESPACES = List.of("data", "facts", "node", "trusted", "fleet");
    private static final Pattern EXPRESSION = Pattern.compile("[a-z]+(\\.[^.\\s{}$]+)+");

    private final YMap data;
    private final Facts facts;
    private final YMap node;
    private final YMap trusted;
    private final SecretOpener secrets;
    private final FleetData fleet;
    private final String environment;
    private final Diagnostics diagnostics;
    private final Map<String, YNode> resolvedData = new HashMap<>();
    private final List<String> resolving = new ArrayList<>();

    Interpolator(YMap data, Facts facts, YMap node, YMap trusted, SecretOpener secrets, FleetData fleet, String environment,
                 Diagnostics diagnostics) {
        this.secrets = secrets;
        this.fleet = fleet;
        this.environment = environment;
        this.data = data;
        this.facts = facts;
        this.node = node;
        this.trusted = trusted;
        this.diagnostics = diagnostics;
    }

    /** Whether this compile's output may show secrets (see {@link SecretOpener#showsSecrets()}). */
    boolean showsSecrets() {
        return secrets.showsSecrets();
    }

    YMap data() {
        return data;
    }

    Facts facts() {
        return facts;
    }

    YMap node() {
        return node;
    }

    FleetData fleet() {
        return fleet;
    }

    /** The node with every reference in it replaced, recursively. */
    YNode resolve(YNode value) {
        if (value instanceof YScalar scalar) {
            return resolveScalar(scalar);
        }
        if (value instanceof YList list) {
            List<YNode> items = new ArrayList<>(list.items().size());
            list.items().forEach(item -> items.add(resolve(item)));
            return new YList(items, list.location());
        }
        YMap map = (YMap) value;
        List<YMap.Entry> entries = new ArrayList<>(map.entries().size());
        map.entries().forEach(e -> entries.add(new YMap.Entry(e.key(), resolve(e.value()))));
        return new YMap(entries, map.location());
    }

    /** Resolves a scalar that must end up as text, e.g. a resource title. */
    YScalar resolveText(YScalar scalar) {
        YNode resolved = resolveScalar(scalar);
        if (resolved instanceof YScalar s) {
            return s;
        }
        diagnostics.error(scalar.location(), "this reference gives " + resolved.describe() + ", but text is needed here",
                "refer to a single value");
        return YScalar.failed(scalar.location());
    }

    private YNode resolveScalar(YScalar scalar) {
        String text = scalar.text();
        if (scalar.isFailed() || scalar.isSecret()) {
            return scalar;
        }
        if (text.startsWith(SecretOpener.PREFIX)) {
            return open(scalar);
        }
        int embedded = text.indexOf(SecretOpener.PREFIX + "KW");
        if (embedded > 0) {
            diagnostics.error(scalar.locationOf(embedded), "an encrypted value must be the whole value, not part of a text",
                    "put the encrypted value alone under a data key and insert it with a reference, e.g. 'url: postgres://app:${data.db.password}@db/app'");
            return YScalar.failed(scalar.location());
        }
        if (text.indexOf('$') < 0) {
            return scalar;
        }
        if (text.startsWith("${") && text.indexOf('}') == text.length() - 1) {
            return lookup(text.substring(2, text.length() - 1).trim(), scalar, 0);
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean secret = false;
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    diagnostics.error(scalar.locationOf(i), "unterminated reference '" + text.substring(i) + "'",
                            "close it with '}', or write '$${' for a literal '${'");
                    return YScalar.failed(scalar.location());
                }
                YNode value = lookup(text.substring(i + 2, end).trim(), scalar, i);
                Optional<String> inserted = insertable(value, scalar, i);
                if (inserted.isEmpty()) {
                    return YScalar.failed(scalar.location());
                }
                out.append(inserted.get());
                secret |= ((YScalar) value).isSecret();
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return secret ? YScalar.secret(out.toString(), scalar.quoted(), scalar.location())
                : new YScalar(out.toString(), YScalar.Kind.STRING, scalar.quoted(), scalar.location());
    }

    /** Opens an encrypted value; an error at its place names the key when it cannot be opened. */
    private YScalar open(YScalar scalar) {
        try {
            return YScalar.secret(secrets.open(scalar.text(), environment), scalar.quoted(), scalar.location());
        } catch (SecretOpener.Unopenable e) {
            diagnostics.error(scalar.location(), e.getMessage(), e.hint());
            return YScalar.failed(scalar.location());
        }
    }

    private Optional<String> insertable(YNode value, YScalar usage, int index) {
        if (value instanceof YScalar s && !s.isNull()) {
            return s.isFailed() ? Optional.empty() : Optional.of(s.text());
        }
        diagnostics.error(usage.locationOf(index), "a reference inside text must give a single value, but this one gives "
                + value.describe(), "write the reference alone as the whole value to use a list or map");
        return Optional.empty();
    }

    /** Looks up {@code namespace.path}; reports and returns a failed scalar when it cannot. */
    private YNode lookup(String expression, YScalar usage, int index) {
        Location where = usage.locationOf(index);
        if (!EXPRESSION.matcher(expression).matches()) {
            diagnostics.error(where, "malformed reference '${" + expression + "}'",
                    "write ${data.some.key}, ${facts.os.codename} or ${node.name}");
            return YScalar.failed(usage.location());
        }
        String[] segments = expression.split("\\.");
        String namespace = segments[0];
        String[] path = Arrays.copyOfRange(segments, 1, segments.length);
        return switch (namespace) {
            case "data" -> lookupData(path, where, usage);
            case "facts" -> Lookup.path(facts.root(), path).orElseGet(() -> undefined("fact", facts.root(), path, where,
                    facts.root().entries().isEmpty()
                            ? "no facts were given for this node: pass --facts FILE or add facts/NODE.json to the manifests"
                            : "facts are what 'kw-agent facts' prints for the node"));
            case "node" -> Lookup.path(node, path).orElseGet(() -> undefined("node property", node, path, where,
                    "known: node.name, node.environment, node.roles"));
            case "trusted" -> Lookup.path(trusted, path).orElseGet(() -> undefined("trusted fact", trusted, path, where,
                    "trusted facts are set in the node's certificate when it is signed ('kw-master ca sign NAME --trusted KEY=VALUE')"));
            case "fleet" -> fleet.lookup(path, where, diagnostics);
            default -> {
                diagnostics.error(where, "unknown namespace '" + namespace + "' in '${" + expression + "}'",
                        Suggestions.closest(namespace, NAMESPACES).map(s -> "did you mean '" + s + "'?")
                                .orElse("use data, facts, trusted, node or fleet"));
                yield YScalar.failed(usage.location());
            }
        };
    }

    private YNode lookupData(String[] path, Location where, YScalar usage) {
        String key = String.join(".", path);
        YNode cached = resolvedData.get(key);
        if (cached != null) {
            return cached;
        }
        Optional<YNode> raw = Lookup.path(data, path);
        if (raw.isEmpty()) {
            return undefined("data key", data, path, where,
                    "define it under 'data:' in data/common.yaml or a more specific data file");
        }
        if (resolving.contains(key)) {
            List<String> cycle = new ArrayList<>(resolving.subList(resolving.indexOf(key), resolving.size()));
            cycle.add(key);
            diagnostics.error(where, "data refers to itself: " + String.join(" -> ", cycle.stream().map(k -> "data." + k).toList()),
                    "break the cycle with a literal value");
            return YScalar.failed(usage.location());
        }
        resolving.add(key);
        YNode value = resolve(raw.get());
        resolving.remove(resolving.size() - 1);
        resolvedData.put(key, value);
        return value;
    }

    /** Reports an undefined lookup, suggesting the closest key at the deepest level that exists. */
    private YNode undefined(String what, YMap root, String[] path, Location where, String hint) {
        YNode parent = root;
        int depth = 0;
        while (depth < path.length - 1) {
            Optional<YNode> next = Lookup.child(parent, path[depth]);
            if (next.isEmpty()) {
                break;
            }
            parent = next.get();
            depth++;
        }
        String prefix = String.join(".", Arrays.copyOfRange(path, 0, depth));
        String suggestion = parent instanceof YMap map
                ? Suggestions.closest(path[depth], map.keys())
                        .map(s -> "did you mean '" + (prefix.isEmpty() ? "" : prefix + ".") + s + "'?").orElse(hint)
                : hint;
        diagnostics.error(where, "undefined " + what + " '" + String.join(".", path) + "'", suggestion);
        return YScalar.failed(where);
    }
}
