package io.kraftwerk.model.resource;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kraftwerk.model.validation.AbsolutePath;
import io.kraftwerk.model.validation.FileMode;
import io.kraftwerk.model.validation.PosixName;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

/**
 * A regular file.
 *
 * @param path      absolute, normalized path
 * @param ensure    {@code present} (default) or {@code absent}
 * @param content   the whole content (UTF-8); null leaves the content of an existing file alone
 *                  and creates an empty file
 * @param owner     owning user; null leaves it alone (new files belong to root)
 * @param group     owning group; null leaves it alone
 * @param mode      permission bits as octal, e.g. {@code 0640}; null leaves them alone
 * @param sensitive the content is secret: it never appears in reports, logs or diffs
 */
@Sensitivity(markedBy = "sensitive", protects = "content")
public record FileResource(
        @NotNull @AbsolutePath String path,
        @NotNull Ensure ensure,
        String content,
        @PosixName String owner,
        @PosixName String group,
        @FileMode String mode,
        boolean sensitive) implements Resource {

    public FileResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
        mode = Values.mode(mode);
    }

    @Override
    public String title() {
        return path;
    }

    @JsonIgnore
    @AssertTrue(message = "'content' can only be set together with ensure: present")
    public boolean isContentOnlyWhenPresent() {
        return content == null || ensure == Ensure.PRESENT;
    }
}
