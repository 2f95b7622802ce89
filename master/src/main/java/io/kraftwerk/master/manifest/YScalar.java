package io.kraftwerk.master.manifest;

/**
 * A scalar as written.
 *
 * @param text     the text after YAML unquoting
 * @param kind     what YAML resolved it to (quoted scalars are always strings)
 * @param quoted   written in quotes, so columns inside the text are one further right
 * @param location where the scalar starts
 */
public record YScalar(String text, Kind kind, boolean quoted, Location location) implements YNode {

    /**
     * What YAML resolved the scalar to. {@code FAILED} marks the result of a lookup that already
     * reported an error, so later steps stay quiet about it instead of piling on. {@code SECRET} is a
     * string decrypted from an {@code ENC[...]} value, or text made with one: it never appears in a
     * message, and it may only go where its type keeps it secret.
     */
    public enum Kind { STRING, INT, FLOAT, BOOL, NULL, FAILED, SECRET }

    public static YScalar string(String text, Location location) {
        return new YScalar(text, Kind.STRING, false, location);
    }

    public static YScalar failed(Location location) {
        return new YScalar("", Kind.FAILED, false, location);
    }

    /** A decrypted value, or text that holds one. */
    public static YScalar secret(String text, boolean quoted, Location location) {
        return new YScalar(text, Kind.SECRET, quoted, location);
    }

    public boolean isSecret() {
        return kind == Kind.SECRET;
    }

    /** The text quoted for a message, or what it is when it is a secret (which no message shows). */
    public String shown() {
        return isSecret() ? "a secret value" : "'" + text + "'";
    }

    public boolean isNull() {
        return kind == Kind.NULL;
    }

    public boolean isFailed() {
        return kind == Kind.FAILED;
    }

    @Override
    public String describe() {
        return switch (kind) {
            case STRING -> "a string";
            case INT -> "an integer";
            case FLOAT -> "a number";
            case BOOL -> "a boolean";
            case NULL -> "nothing (null)";
            case FAILED -> "an unresolved value";
            case SECRET -> "a secret string";
        };
    }

    /** A record's text, but never a secret's: a log line of a value must not be where one leaks. */
    @Override
    public String toString() {
        return "YScalar[" + (isSecret() ? "[sensitive]" : "text=" + text) + ", kind=" + kind + ", location=" + location + "]";
    }

    /** Where the character at {@code index} of the text sits in the file (exact on one-line scalars). */
    public Location locationOf(int index) {
        return location.shifted(index + (quoted ? 1 : 0));
    }
}
