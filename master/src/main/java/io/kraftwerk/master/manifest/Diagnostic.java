package io.kraftwerk.master.manifest;

/**
 * One compile error: {@code FILE:LINE:COLUMN: what is wrong (how to fix)}.
 *
 * @param location where; null only for problems that have no place in the manifests
 * @param message  what is wrong
 * @param hint     how to fix it, or null
 */
public record Diagnostic(Location location, String message, String hint) implements Comparable<Diagnostic> {

    @Override
    public int compareTo(Diagnostic other) {
        if (location == null || other.location == null) {
            return location == null ? (other.location == null ? message.compareTo(other.message) : -1) : 1;
        }
        int byLocation = location.compareTo(other.location);
        return byLocation != 0 ? byLocation : message.compareTo(other.message);
    }

    @Override
    public String toString() {
        String where = location == null ? "" : location + ": ";
        return where + message + (hint == null || hint.isEmpty() ? "" : " (" + hint + ")");
    }
}
