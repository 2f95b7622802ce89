package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.Diagnostics;
import io.kraftwerk.model.catalog.EdgeKind;
import io.kraftwerk.model.resource.ResourceId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Orders declarations so every edge points forward. Among resources free to go next, the one
 * declared first goes first, so the catalog reads in manifest order wherever edges allow and is
 * the same on every compile. Cycles are reported with every edge and the reason it exists.
 */
final class Graph {
    private final List<Declaration> declarations;
    private final Map<ResourceId, Integer> index = new HashMap<>();
    private final Map<List<ResourceId>, EdgeSpec> edges = new LinkedHashMap<>();
    private final List<List<EdgeSpec>> outgoing = new ArrayList<>();

    /**
     * @param edges explicit edges first, then implied ones: for a pair joined twice, the first
     *              reason is kept, and notify wins over order
     */
    Graph(List<Declaration> declarations, List<EdgeSpec> edges) {
        this.declarations = declarations;
        for (int i = 0; i < declarations.size(); i++) {
            index.put(declarations.get(i).id(), i);
            outgoing.add(new ArrayList<>());
        }
        for (EdgeSpec e : edges) {
            List<ResourceId> key = List.of(e.from(), e.to());
            EdgeSpec previous = this.edges.get(key);
            if (previous == null || (previous.kind() == EdgeKind.ORDER && e.kind() == EdgeKind.NOTIFY)) {
                this.edges.put(key, e);
            }
        }
        this.edges.values().forEach(e -> outgoing.get(index.get(e.from())).add(e));
    }

    List<EdgeSpec> edges() {
        return List.copyOf(edges.values());
    }

    /** The order, or null when there are cycles (reported). */
    List<Declaration> sort(Diagnostics diagnostics) {
        int n = declarations.size();
        int[] inDegree = new int[n];
        edges.values().forEach(e -> inDegree[index.get(e.to())]++);
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (inDegree[i] == 0) {
                ready.add(i);
            }
        }
        List<Declaration> order = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int next = ready.poll();
            order.add(declarations.get(next));
            for (EdgeSpec e : outgoing.get(next)) {
                int to = index.get(e.to());
                if (--inDegree[to] == 0) {
                    ready.add(to);
                }
            }
        }
        if (order.size() == n) {
            return order;
        }
        reportCycles(inDegree, diagnostics);
        return null;
    }

    /** One cycle per strongly connected group of the resources Kahn's walk could not place. */
    private void reportCycles(int[] inDegree, Diagnostics diagnostics) {
        boolean[] reported = new boolean[declarations.size()];
        for (int start = 0; start < declarations.size(); start++) {
            if (inDegree[start] == 0 || reported[start]) {
                continue;
            }
            List<EdgeSpec> cycle = findCycle(start, inDegree);
            if (cycle.isEmpty()) {
                continue;
            }
            StringBuilder text = new StringBuilder("dependency cycle: ");
            text.append(cycle.get(0).from());
            for (EdgeSpec e : cycle) {
                text.append(" -> ").append(e.to());
                reported[index.get(e.from())] = true;
            }
            StringBuilder why = new StringBuilder();
            for (EdgeSpec e : cycle) {
                why.append(why.length() == 0 ? "" : "; ").append(e.from()).append(" -> ").append(e.to())
                        .append(": ").append(e.reason());
            }
            diagnostics.error(declarations.get(index.get(cycle.get(0).from())).location(), text.toString(),
                    "remove one of these edges: " + why);
        }
    }

    /**
     * Walks unplaced resources from {@code start}, always to the earliest-declared unplaced
     * successor, until a resource repeats; every unplaced resource has such a successor.
     */
    private List<EdgeSpec> findCycle(int start, int[] inDegree) {
        List<EdgeSpec> path = new ArrayList<>();
        Map<Integer, Integer> seenAt = new HashMap<>();
        int current = start;
        while (!seenAt.containsKey(current)) {
            seenAt.put(current, path.size());
            EdgeSpec step = null;
            for (EdgeSpec e : outgoing.get(current)) {
                int to = index.get(e.to());
                if (inDegree[to] > 0 && (step == null || to < index.get(step.to()))) {
                    step = e;
                }
            }
            if (step == null) {
                return List.of(); // leads out of the stuck part; another start will find the cycle
            }
            path.add(step);
            current = index.get(step.to());
        }
        return path.subList(seenAt.get(current), path.size());
    }
}
