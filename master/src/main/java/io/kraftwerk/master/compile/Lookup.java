package io.kraftwerk.master.compile;

import io.kraftwerk.master.manifest.YList;
import io.kraftwerk.master.manifest.YMap;
import io.kraftwerk.master.manifest.YNode;
import java.util.Optional;

/** Dotted-path access into YAML trees: map keys by name, list items by index. */
final class Lookup {
    private Lookup() {
    }

    static Optional<YNode> path(YNode root, String[] segments) {
        YNode current = root;
        for (String segment : segments) {
            Optional<YNode> next = child(current, segment);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            current = next.get();
        }
        return Optional.of(current);
    }

    static Optional<YNode> child(YNode node, String segment) {
        if (node instanceof YMap map) {
            return map.get(segment);
        }
        if (node instanceof YList list && segment.matches("[0-9]{1,9}")) {
            int index = Integer.parseInt(segment);
            return index < list.items().size() ? Optional.of(list.items().get(index)) : Optional.empty();
        }
        return Optional.empty();
    }
}
