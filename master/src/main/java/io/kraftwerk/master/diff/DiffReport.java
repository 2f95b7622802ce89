package io.kraftwerk.master.diff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import io.kraftwerk.model.json.ModelJson;
import java.util.List;

/**
 * What a commit changes on each node, as {@code kw-master diff} prints it: per node the resources
 * added, removed and changed (a text property as a unified diff), compile errors where a node does
 * not compile, then a summary line. Or the same as JSON, for CI.
 *
 * @param from    the version compared from (a commit id)
 * @param to      the version compared with
 * @param results one per node, sorted by name
 */
public record DiffReport(String from, String to, List<NodeResult> results) {

    /**
     * @param diff       the difference, or null when a side did not compile
     * @param errorsFrom the compile errors at {@code from} (empty when it compiled)
     * @param errorsTo   the compile errors at {@code to}
     */
    public record NodeResult(String node, String environment, CatalogDiff.NodeDiff diff, List<String> errorsFrom, List<String> errorsTo) {
        boolean changed() {
            return diff != null && !diff.isEmpty();
        }
    }

    /** Whether a node does not compile at {@code to}. */
    public boolean failed() {
        return results.stream().anyMatch(r -> !r.errorsTo().isEmpty());
    }

    /** Whether anything changes on any node (or a node's catalog appears). */
    public boolean changes() {
        return results.stream().anyMatch(r -> r.changed() || (r.errorsTo().isEmpty() && !r.errorsFrom().isEmpty()));
    }

    public String text() {
        StringBuilder out = new StringBuilder("diff " + from + " -> " + to + "\n");
        int changedNodes = 0;
        int resources = 0;
        int failed = 0;
        for (NodeResult r : results) {
            if (!r.errorsTo().isEmpty()) {
                failed++;
                out.append(r.node()).append(": does not compile at the new commit (").append(r.errorsTo().size())
                        .append(r.errorsTo().size() == 1 ? " error" : " errors").append(")\n");
                r.errorsTo().forEach(e -> out.append("  ").append(e).append('\n'));
            } else if (!r.errorsFrom().isEmpty()) {
                changedNodes++;
                out.append(r.node()).append(": compiles now; it did not at the old commit\n");
            } else if (r.changed()) {
                changedNodes++;
                resources += r.diff().resources();
                node(out, r);
            } else {
                out.append(r.node()).append(": no change\n");
            }
        }
        out.append(results.size()).append(results.size() == 1 ? " node: " : " nodes: ").append(changedNodes).append(" changed (")
                .append(resources).append(resources == 1 ? " resource), " : " resources), ").append(results.size() - changedNodes - failed)
                .append(" unchanged, ").append(failed).append(" not compiling\n");
        return out.toString();
    }

    private static void node(StringBuilder out, NodeResult r) {
        CatalogDiff.NodeDiff d = r.diff();
        out.append(r.node()).append(" (").append(r.environment()).append("): ").append(d.changed().size()).append(" changed, ")
                .append(d.added().size()).append(" added, ").append(d.removed().size()).append(" removed\n");
        d.added().forEach(id -> out.append("  + ").append(id).append('\n'));
        d.removed().forEach(id -> out.append("  - ").append(id).append('\n'));
        for (CatalogDiff.ResourceChange change : d.changed()) {
            out.append("  ~ ").append(change.id()).append('\n');
            for (CatalogDiff.PropertyChange p : change.properties()) {
                if (multiLine(p.from()) || multiLine(p.to())) {
                    out.append("      ").append(p.property()).append(":\n");
                    unified(p).forEach(line -> out.append("        ").append(line).append('\n'));
                } else {
                    out.append("      ").append(p.property()).append(": ").append(shown(p.from())).append(" -> ").append(shown(p.to()))
                            .append('\n');
                }
            }
        }
    }

    private static boolean multiLine(String value) {
        return value != null && value.indexOf('\n') >= 0 && value.indexOf('\n') < value.length() - 1;
    }

    private static String shown(String value) {
        return value == null ? "(not set)" : CatalogDiff.SENSITIVE.equals(value) ? value : "'" + value.replace("\n", "\\n") + "'";
    }

    private static List<String> unified(CatalogDiff.PropertyChange p) {
        List<String> a = p.from() == null ? List.of() : List.of(p.from().split("\n", -1));
        List<String> b = p.to() == null ? List.of() : List.of(p.to().split("\n", -1));
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff("before", "after", a, DiffUtils.diff(a, b), 2);
        return lines;
    }

    public String json() {
        ObjectNode root = ModelJson.mapper().createObjectNode();
        root.put("from", from);
        root.put("to", to);
        ArrayNode nodes = root.putArray("nodes");
        int changedNodes = 0;
        int resources = 0;
        for (NodeResult r : results) {
            ObjectNode n = nodes.addObject();
            n.put("node", r.node());
            n.put("environment", r.environment());
            String status = !r.errorsTo().isEmpty() ? "failed" : !r.errorsFrom().isEmpty() || r.changed() ? "changed" : "unchanged";
            n.put("status", status);
            if (r.changed()) {
                changedNodes++;
                resources += r.diff().resources();
                n.set("added", ModelJson.mapper().valueToTree(r.diff().added()));
                n.set("removed", ModelJson.mapper().valueToTree(r.diff().removed()));
                n.set("changed", ModelJson.mapper().valueToTree(r.diff().changed()));
            }
            if (!r.errorsTo().isEmpty()) {
                n.set("errors", ModelJson.mapper().valueToTree(r.errorsTo()));
            }
        }
        ObjectNode summary = root.putObject("summary");
        summary.put("nodes", results.size());
        summary.put("changed", changedNodes);
        summary.put("resources", resources);
        summary.put("failed", results.stream().filter(r -> !r.errorsTo().isEmpty()).count());
        try {
            return ModelJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
