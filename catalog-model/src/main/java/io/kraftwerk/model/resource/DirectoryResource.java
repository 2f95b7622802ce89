package io.kraftwerk.model.resource;

import io.kraftwerk.model.validation.AbsolutePath;
import io.kraftwerk.model.validation.FileMode;
import io.kraftwerk.model.validation.PosixName;
import jakarta.validation.constraints.NotNull;

/**
 * A directory (its own attributes only: the agent does not recurse into it).
 *
 * @param path   absolute, normalized path
 * @param ensure {@code present} (default) or {@code absent}
 * @param owner  owning user; null leaves it alone
 * @param group  owning group; null leaves it alone
 * @param mode   permission bits as octal, e.g. {@code 0755}; null leaves them alone
 * @param force  with {@code ensure: absent}, remove the directory even when it is not empty
 */
@Sensitivity // nothing of it is secret
public record DirectoryResource(
        @NotNull @AbsolutePath String path,
        @NotNull Ensure ensure,
        @PosixName String owner,
        @PosixName String group,
        @FileMode String mode,
        boolean force) implements Resource {

    public DirectoryResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
        mode = Values.mode(mode);
    }

    @Override
    public String title() {
        return path;
    }
}
