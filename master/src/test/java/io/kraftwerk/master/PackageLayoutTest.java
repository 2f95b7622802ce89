package io.kraftwerk.master;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The master's packages read as its data flow: no two of them need each other (directly or around
 * a longer loop), the settings need none of them, and every class a file uses is named in its
 * imports, not hidden inline under a fully qualified name.
 *
 * <p>Only code counts: comments and javadoc are left out, so a {@code {@link a.b.C}} in javadoc is
 * neither an inline name nor a dependency. Importing a class only to link to it would make a
 * documentation reference look like a code dependency (and, pointing up the layers, like a cycle).
 * Where two classes of one simple name meet in a file, one of them is misnamed: rename it rather
 * than spell the other out.
 */
class PackageLayoutTest {
    private static final String MASTER = "io.kraftwerk.master";
    private static final String SETTINGS = MASTER + ".settings";
    private static final Path MAIN = Path.of("src", "main", "java");
    private static final Path TEST = Path.of("src", "test", "java");

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;");
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?\\s*;");
    /** A package (lowercase segments under a well-known root) followed by a class name. */
    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.$])((?:io|java|javax|jakarta|org|com|net|sun|jdk)(?:\\.[a-z_][a-z0-9_]*)+)\\.([A-Z]\\w*)");

    @Test
    void theMastersPackagesHaveNoCycle() {
        Graph graph = graph(JavaSource.under(MAIN));
        List<String> cycles = new ArrayList<>();
        for (Set<String> component : graph.stronglyConnected()) {
            cycles.add(graph.describeCycle(component));
        }
        assertTrue(cycles.isEmpty(), () -> "packages of " + MASTER + " that import each other (move a class to where it"
                + " belongs, or pass a value instead of an object):\n" + String.join("\n", cycles));
    }

    @Test
    void theSettingsImportNothingOfTheMaster() {
        Graph graph = graph(JavaSource.under(MAIN));
        assertTrue(graph.has(SETTINGS), SETTINGS + " holds the master's settings (MasterConfig, MasterPaths, DatabaseSettings)");
        Map<String, String> uses = graph.edges(SETTINGS);
        assertTrue(uses.isEmpty(), () -> "settings is read by every package and must import none of them, but uses "
                + uses.entrySet().stream().map(e -> relative(e.getKey()) + " [" + e.getValue() + "]").collect(Collectors.joining(", ")));
    }

    @Test
    void classesAreImportedNotNamedInline() {
        List<String> inline = new ArrayList<>();
        for (Path root : List.of(MAIN, TEST)) {
            for (JavaSource source : JavaSource.under(root)) {
                for (int i = 0; i < source.lines().size(); i++) {
                    String line = source.lines().get(i);
                    if (PACKAGE.matcher(line).find() || IMPORT.matcher(line).find()) {
                        continue;
                    }
                    Matcher m = QUALIFIED.matcher(line);
                    while (m.find()) {
                        inline.add(source.at(i) + ": " + m.group() + " (import " + m.group() + " and write " + m.group(2) + ")");
                    }
                }
            }
        }
        assertTrue(inline.isEmpty(), () -> inline.size() + " fully qualified names in code hide what a file depends on:\n"
                + String.join("\n", inline));
    }

    @Test
    void onlyCodeIsRead() {
        String code = JavaSource.codeOnly("/** {@link io.kraftwerk.master.store.Fleet} */\n"
                + "String s = \"io.kraftwerk.master.api.X \\\" java.util.Map\"; char c = '\"'; // java.util.List\n"
                + "String t = \"\"\"\n    java.util.Map \\\"\"\" still text\n    \"\"\"; java.util.Set<String> set;\n");
        List<String> found = new ArrayList<>();
        Matcher m = QUALIFIED.matcher(code);
        while (m.find()) {
            found.add(m.group());
        }
        assertEquals(List.of("java.util.Set"), found);
        assertEquals(5, code.lines().count(), "line numbers stay as they were");
    }

    /** Which master package uses which, each edge with the first place that makes it. */
    private static Graph graph(List<JavaSource> sources) {
        Graph graph = new Graph();
        for (JavaSource source : sources) {
            String from = null;
            for (int i = 0; i < source.lines().size(); i++) {
                String line = source.lines().get(i);
                Matcher pkg = PACKAGE.matcher(line);
                if (pkg.find()) {
                    from = pkg.group(1);
                    graph.node(from);
                    continue;
                }
                Matcher imported = IMPORT.matcher(line);
                if (imported.find()) {
                    graph.edge(from, packageOf(imported.group(1)), source.at(i));
                    continue;
                }
                Matcher inline = QUALIFIED.matcher(line);
                while (inline.find()) {
                    graph.edge(from, inline.group(1), source.at(i));
                }
            }
        }
        return graph;
    }

    /** The package part of an imported name: its lowercase segments. */
    private static String packageOf(String name) {
        List<String> segments = new ArrayList<>();
        for (String segment : name.split("\\.")) {
            if (!Character.isLowerCase(segment.charAt(0))) {
                break;
            }
            segments.add(segment);
        }
        return String.join(".", segments);
    }

    private static String relative(String pkg) {
        return pkg.substring(MASTER.length() + 1);
    }

    /** Packages of the master and where each uses another; packages outside the master are left out. */
    private static final class Graph {
        private final Map<String, Map<String, String>> edges = new TreeMap<>();

        void node(String pkg) {
            if (pkg.startsWith(MASTER + ".")) {
                edges.computeIfAbsent(pkg, p -> new TreeMap<>());
            }
        }

        void edge(String from, String to, String where) {
            if (from != null && !from.equals(to) && from.startsWith(MASTER + ".") && to.startsWith(MASTER + ".")) {
                node(from);
                node(to);
                edges.get(from).putIfAbsent(to, where);
            }
        }

        boolean has(String pkg) {
            return edges.containsKey(pkg);
        }

        Map<String, String> edges(String from) {
            return edges.getOrDefault(from, Map.of());
        }

        /** Tarjan's strongly connected components of more than one package: each holds a cycle. */
        List<Set<String>> stronglyConnected() {
            Tarjan t = new Tarjan();
            edges.keySet().forEach(p -> {
                if (!t.index.containsKey(p)) {
                    t.visit(p);
                }
            });
            return t.components;
        }

        /** One loop through the component, every step with the file and line that makes it. */
        String describeCycle(Set<String> component) {
            String start = component.iterator().next();
            List<String> path = shortestLoop(start, component);
            StringBuilder out = new StringBuilder(relative(start));
            for (int i = 0; i + 1 < path.size(); i++) {
                out.append(" -> ").append(relative(path.get(i + 1))).append(" [").append(edges(path.get(i)).get(path.get(i + 1)))
                        .append("]");
            }
            return out.append("  (packages in this tangle: ").append(component.stream().map(PackageLayoutTest::relative)
                    .collect(Collectors.joining(", "))).append(")").toString();
        }

        /** start → … → start within the component, fewest steps first (breadth first). */
        private List<String> shortestLoop(String start, Set<String> component) {
            Map<String, String> cameFrom = new TreeMap<>();
            List<String> queue = new ArrayList<>(List.of(start));
            for (int q = 0; q < queue.size(); q++) {
                String at = queue.get(q);
                for (String next : edges(at).keySet()) {
                    if (!component.contains(next)) {
                        continue;
                    }
                    if (next.equals(start)) {
                        List<String> path = new ArrayList<>(List.of(start));
                        for (String p = at; !p.equals(start); p = cameFrom.get(p)) {
                            path.add(1, p);
                        }
                        path.add(start);
                        return path;
                    }
                    if (!cameFrom.containsKey(next)) {
                        cameFrom.put(next, at);
                        queue.add(next);
                    }
                }
            }
            throw new IllegalStateException("no loop through " + start + " in " + component);
        }

        private final class Tarjan {
            final Map<String, Integer> index = new TreeMap<>();
            final Map<String, Integer> low = new TreeMap<>();
            final List<String> stack = new ArrayList<>();
            final List<Set<String>> components = new ArrayList<>();

            void visit(String p) {
                index.put(p, index.size());
                low.put(p, index.get(p));
                stack.add(p);
                for (String next : edges(p).keySet()) {
                    if (!index.containsKey(next)) {
                        visit(next);
                        low.put(p, Math.min(low.get(p), low.get(next)));
                    } else if (stack.contains(next)) {
                        low.put(p, Math.min(low.get(p), index.get(next)));
                    }
                }
                if (low.get(p).equals(index.get(p))) {
                    Set<String> component = new TreeSet<>();
                    String q;
                    do {
                        q = stack.remove(stack.size() - 1);
                        component.add(q);
                    } while (!q.equals(p));
                    if (component.size() > 1) {
                        components.add(component);
                    }
                }
            }
        }
    }
}
