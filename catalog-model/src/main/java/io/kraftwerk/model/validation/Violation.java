package io.kraftwerk.model.validation;

/**
 * One failed constraint.
 *
 * @param path    where, in wire names: {@code server_names[1]}, {@code resources[3].resource.mode}
 * @param message what is wrong, e.g. {@code must be an octal mode such as 0644 or 2750}
 * @param crossField the constraint concerns several attributes together rather than the one the
 *                   path names (its last segment is then the name of the check)
 */
public record Violation(String path, String message, boolean crossField) {

    @Override
    public String toString() {
        return path.isEmpty() ? message : path + ": " + message;
    }
}
