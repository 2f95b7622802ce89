package io.kraftwerk.model.resource;

import io.kraftwerk.model.validation.AbsolutePath;
import io.kraftwerk.model.validation.PosixName;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import java.util.List;

/**
 * A local user account.
 *
 * @param name        the login name
 * @param ensure      {@code present} (default) or {@code absent}
 * @param uid         a fixed numeric id; null lets useradd choose
 * @param group       the primary group by name; null lets useradd create or pick one
 * @param groups      supplementary groups, managed exactly (membership in others is removed)
 * @param home        the home directory path; null takes useradd's default
 * @param shell       the login shell; null takes useradd's default
 * @param comment     the GECOS comment
 * @param system      create as a system account (id from the system range, no aging)
 * @param manageHome  create the home directory when the user is created
 */
@Sensitivity // nothing of it is secret
public record UserResource(
        @NotNull @PosixName String name,
        @NotNull Ensure ensure,
        @PositiveOrZero Integer uid,
        @PosixName String group,
        @NotNull List<@NotNull @PosixName String> groups,
        @AbsolutePath String home,
        @AbsolutePath String shell,
        @Pattern(regexp = "[^:\\n\\x00]*", message = "must not contain ':' or line breaks (it is a field of /etc/passwd)") String comment,
        boolean system,
        boolean manageHome) implements Resource {

    public UserResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
        groups = Values.list(groups);
    }

    @Override
    public String title() {
        return name;
    }
}
