package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * A package repository apt reads: {@code /etc/apt/sources.list.d/kraftwerk-NAME.sources} in deb822
 * form, with the repository's signing key inside it ({@code Signed-By}), so that the key signs for
 * this repository alone and source and key can never be half written. A changed source is fetched
 * ({@code apt-get update} for that source) before any package of the same run is installed.
 *
 * @param name          the source's name, also its file's
 * @param ensure        {@code present} (default) or {@code absent}
 * @param types         {@code deb} (default) and/or {@code deb-src}
 * @param uris          where the repository is, e.g. {@code https://apt.postgresql.org/pub/repos/apt}
 * @param suites        e.g. {@code bookworm-pgdg}; a flat repository's suite ends with '/' ({@code ./})
 * @param components    e.g. {@code main}; none for a flat repository
 * @param architectures the architectures to fetch; default the node's own
 * @param key           the repository's OpenPGP public key, ASCII-armored
 */
@Sensitivity // nothing of it is secret
public record AptSourceResource(
        @NotNull @Pattern(regexp = NAME, message = "must be a source name: lowercase letters, digits, '_', '.' or '-',"
                + " starting with a letter or digit, at most 64 characters (apt ignores files with other names)") String name,
        @NotNull Ensure ensure,
        @NotNull List<@NotNull @Pattern(regexp = "deb|deb-src", message = "must be deb or deb-src") String> types,
        @NotNull List<@NotNull @Pattern(regexp = "(https?|file):[^\\s\"'\\[\\]]+", message = "must be an http(s) or file: URI"
                + " such as https://apt.postgresql.org/pub/repos/apt") String> uris,
        @NotNull List<@NotNull @Pattern(regexp = WORD, message = "must be one word such as bookworm or ./") String> suites,
        @NotNull List<@NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.+/-]*", message = "must be a component such as main")
                String> components,
        @NotNull List<@NotNull @Pattern(regexp = "[a-z0-9][a-z0-9-]*", message = "must be a Debian architecture such as amd64")
                String> architectures,
        @Size(max = 65536) String key) implements Resource {
    public static final String NAME = "[a-z0-9][a-z0-9_.-]{0,63}";
    static final String WORD = "[A-Za-z0-9_./+~-]+";
    static final String ARMOR_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
    static final String ARMOR_END = "-----END PGP PUBLIC KEY BLOCK-----";

    public AptSourceResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
        types = types == null || types.isEmpty() ? List.of("deb") : Values.list(types);
        uris = Values.list(uris);
        suites = Values.list(suites);
        components = Values.list(components);
        architectures = Values.list(architectures);
    }

    @Override
    public String title() {
        return name;
    }

    @JsonIgnore
    @AssertTrue(message = "'uris', 'suites' and 'key' are required with ensure: present")
    public boolean isCompleteWhenPresent() {
        return ensure == Ensure.ABSENT || !uris.isEmpty() && !suites.isEmpty() && key != null;
    }

    /** apt's own rule: a suite ending in '/' names an exact path and takes no components; any other suite needs one. */
    @JsonIgnore
    @AssertTrue(message = "a suite ending in '/' (a flat repository) takes no 'components'; any other suite needs at least one")
    public boolean isComponentsMatchingSuites() {
        if (suites.isEmpty() || suites.stream().anyMatch(s -> s == null)) {
            return true;
        }
        boolean flat = suites.stream().allMatch(s -> s.endsWith("/"));
        boolean none = suites.stream().noneMatch(s -> s.endsWith("/"));
        return flat && components.isEmpty() || none && !components.isEmpty();
    }

    @JsonIgnore
    @AssertTrue(message = "'key' must be an ASCII-armored OpenPGP public key, from " + ARMOR_BEGIN + " to " + ARMOR_END
            + " (gpg --armor --export KEYID, or the repository's .asc file)")
    public boolean isKeyArmored() {
        if (key == null) {
            return true;
        }
        String k = key.strip();
        return k.startsWith(ARMOR_BEGIN) && k.endsWith(ARMOR_END) && k.indexOf('\r') < 0
                && k.lines().allMatch(l -> l.chars().allMatch(c -> c >= 0x20 && c < 0x7f));
    }
}
