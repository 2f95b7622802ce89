package io.kraftwerk.master.manifest;

import java.util.Comparator;

/**
 * A position in a manifest file, 1-based, as editors count.
 *
 * @param file   path relative to the manifests root, e.g. {@code roles/web.yaml}
 * @param line   1-based line, or 0 when only the file is known
 * @param column 1-based column, or 0 when only the file is known
 */
public record Location(String file, int line, int column) implements Comparable<Location> {
    private static final Comparator<Location> ORDER = Comparator.comparing(Location::file)
            .thenComparingInt(Location::line).thenComparingInt(Location::column);

    public static Location ofFile(String file) {
        return new Location(file, 0, 0);
    }

    /** The same line, {@code offset} characters further right. */
    public Location shifted(int offset) {
        return line == 0 ? this : new Location(file, line, column + offset);
    }

    @Override
    public int compareTo(Location other) {
        return ORDER.compare(this, other);
    }

    /** {@code roles/web.yaml:12:5}, or just the file when no position is known. */
    @Override
    public String toString() {
        return line == 0 ? file : file + ":" + line + ":" + column;
    }
}
