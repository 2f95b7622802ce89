package io.kraftwerk.model.resource;

import io.kraftwerk.model.validation.AbsolutePath;
import io.kraftwerk.model.validation.FileMode;
import io.kraftwerk.model.validation.PosixName;
import jakarta.validation.constraints.NotNull;

/**
 * An application's writable folder (uploads, caches, SQLite files). Its content belongs to the
 * application: the agent manages the folder itself and never deletes it unless told twice, with
 * {@code ensure: absent} and {@code purge: true}.
 *
 * @param path   absolute, normalized path
 * @param ensure {@code present} (default) or {@code absent}
 * @param owner  owning user (usually the application's user); null leaves it alone
 * @param group  owning group; null leaves it alone
 * @param mode   permission bits as octal, e.g. {@code 0750}; null leaves them alone
 * @param purge  with {@code ensure: absent}, really delete the folder and everything in it
 */
@Sensitivity // nothing of it is secret
public record DataDirResource(
        @NotNull @AbsolutePath String path,
        @NotNull Ensure ensure,
        @PosixName String owner,
        @PosixName String group,
        @FileMode String mode,
        boolean purge) implements Resource {

    public DataDirResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
        mode = Values.mode(mode);
    }

    @Override
    public String title() {
        return path;
    }
}
