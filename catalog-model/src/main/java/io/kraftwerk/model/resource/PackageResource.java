package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kraftwerk.model.validation.DebianPackageName;
import io.kraftwerk.model.validation.DebianVersion;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

/**
 * A Debian package.
 *
 * @param name    the package name, e.g. {@code nginx}
 * @param ensure  {@code present} (default) or {@code absent}
 * @param version an exact version to hold, e.g. {@code 1.22.1-9}; null means any version
 */
@Sensitivity // nothing of it is secret
public record PackageResource(
        @NotNull @DebianPackageName String name,
        @NotNull Ensure ensure,
        @DebianVersion String version) implements Resource {

    public PackageResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
    }

    @Override
    public String title() {
        return name;
    }

    @JsonIgnore
    @AssertTrue(message = "'version' can only be set together with ensure: present")
    public boolean isVersionOnlyWhenPresent() {
        return version == null || ensure == Ensure.PRESENT;
    }
}
