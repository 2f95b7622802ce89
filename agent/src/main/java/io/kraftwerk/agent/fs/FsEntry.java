package io.kraftwerk.agent.fs;

/**
 * What is at a path, without following a final symlink.
 *
 * @param type  what kind of thing, or {@link Type#ABSENT}
 * @param owner owning user name (the number when the user has no name)
 * @param group owning group name
 * @param mode  permission bits as four octal digits, special bits included
 * @param links the number of hard links (names) the file has
 */
public record FsEntry(Type type, String owner, String group, String mode, int links) {

    public enum Type { ABSENT, FILE, DIRECTORY, SYMLINK, OTHER }

    public static final FsEntry ABSENT = new FsEntry(Type.ABSENT, null, null, null, 0);

    public boolean exists() {
        return type != Type.ABSENT;
    }

    /** "a directory", "a symbolic link" — for messages. */
    public String describe() {
        return switch (type) {
            case ABSENT -> "nothing";
            case FILE -> "a file";
            case DIRECTORY -> "a directory";
            case SYMLINK -> "a symbolic link";
            case OTHER -> "a special file";
        };
    }
}
