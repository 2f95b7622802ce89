package io.kraftwerk.master.manifest;

import java.util.List;

/** A YAML sequence. */
public record YList(List<YNode> items, Location location) implements YNode {
    public YList {
        items = List.copyOf(items);
    }

    @Override
    public String describe() {
        return "a list";
    }
}
