package io.kraftwerk.master.manifest;

/**
 * A YAML value with the position it was read from. Scalars keep their source text so that
 * {@code mode: 0644} stays "0644" instead of becoming the octal number 420.
 */
public sealed interface YNode permits YScalar, YList, YMap {
    Location location();

    /** "a string", "a list", "a map", for messages such as "expected a list, found a map". */
    String describe();
}
