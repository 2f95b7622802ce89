package io.kraftwerk.model.resource;

import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * Identity of a resource in a catalog: its type and title. {@link #toString()} is the one place the
 * canonical form {@code type[title]} is produced; {@link #parse(String)} is its inverse.
 */
public record ResourceId(ResourceType type, String title) implements Comparable<ResourceId> {

    private static final Comparator<ResourceId> ORDER =
            Comparator.comparing((ResourceId id) -> id.type().wireName()).thenComparing(ResourceId::title);

    public ResourceId {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
    }

    /**
     * Parses {@code type[title]}. The title runs from the first {@code [} to the final {@code ]}, so
     * titles may themselves contain brackets.
     */
    public static Optional<ResourceId> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int open = text.indexOf('[');
        if (open <= 0 || !text.endsWith("]") || open == text.length() - 2) {
            return Optional.empty();
        }
        return ResourceType.fromWireName(text.substring(0, open))
                .map(type -> new ResourceId(type, text.substring(open + 1, text.length() - 1)));
    }

    @Override
    public int compareTo(ResourceId other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return type.wireName() + "[" + title + "]";
    }
}
