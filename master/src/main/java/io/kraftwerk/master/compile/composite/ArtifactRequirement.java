package io.kraftwerk.master.compile.composite;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A requirement {@code artifact:NAME==VERSION} of a {@code wsgi_app}: exactly that version of a
 * distribution from the master's artifact store. The compiler resolves it to the store's files and
 * hands pip the plain requirement {@code NAME==VERSION}.
 *
 * @param name    the name as written
 * @param version the exact version
 */
public record ArtifactRequirement(String name, String version) {
    public static final String PREFIX = "artifact:";
    /** What {@code @AppRequirement} accepts after the prefix: a name, {@code ==} and one exact version. */
    public static final String REGEXP = "artifact:([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)==([A-Za-z0-9.+!_-]{1,64})";
    private static final Pattern SYNTAX = Pattern.compile(REGEXP);
    private static final Pattern SEPARATORS = Pattern.compile("[-_.]+");

    /** The artifact a requirement names, or empty for a plain pip requirement. */
    public static Optional<ArtifactRequirement> parse(String requirement) {
        Matcher m = SYNTAX.matcher(requirement);
        return m.matches() ? Optional.of(new ArtifactRequirement(m.group(1), m.group(2))) : Optional.empty();
    }

    /** The name as the store keys it (PEP 503): {@code Kw_Hello} is {@code kw-hello}. */
    public String normalisedName() {
        return normalise(name);
    }

    public static String normalise(String name) {
        return SEPARATORS.matcher(name).replaceAll("-").toLowerCase(Locale.ROOT);
    }

    /** What pip is given: the same release, from the pinned files only. */
    public String pipRequirement() {
        return name + "==" + version;
    }

    @Override
    public String toString() {
        return PREFIX + name + "==" + version;
    }
}
