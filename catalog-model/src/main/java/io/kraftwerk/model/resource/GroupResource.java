package io.kraftwerk.model.resource;

import io.kraftwerk.model.validation.PosixName;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * A local group.
 *
 * @param name   the group name
 * @param ensure {@code present} (default) or {@code absent}
 * @param gid    a fixed numeric id; null lets groupadd choose
 * @param system create as a system group (id from the system range)
 */
@Sensitivity // nothing of it is secret
public record GroupResource(
        @NotNull @PosixName String name,
        @NotNull Ensure ensure,
        @PositiveOrZero Integer gid,
        boolean system) implements Resource {

    public GroupResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
    }

    @Override
    public String title() {
        return name;
    }
}
