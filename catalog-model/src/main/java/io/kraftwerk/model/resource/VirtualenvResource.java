package io.kraftwerk.model.resource;

import io.kraftwerk.model.validation.AbsolutePath;
import io.kraftwerk.model.validation.HttpUrl;
import io.kraftwerk.model.validation.LinkLocation;
import io.kraftwerk.model.validation.PipRequirement;
import io.kraftwerk.model.validation.PosixName;
import jakarta.validation.constraints.NotNull;
import java.util.List;

/**
 * A Python virtual environment built with {@code python -m venv} and filled by pip. It is in sync
 * when the installed distributions satisfy the requirements; it is rebuilt when the interpreter
 * changed.
 *
 * @param path                absolute path of the environment
 * @param ensure              {@code present} (default) or {@code absent}
 * @param python              the interpreter that creates it (default {@code /usr/bin/python3})
 * @param requirements        pip requirements, e.g. {@code gunicorn==22.0.0}
 * @param indexUrl            a package index URL; null means no index is consulted when
 *                            {@code find_links} is set, pip's default otherwise
 * @param findLinks           directories or URLs of wheels (an offline wheelhouse)
 * @param owner               the user that owns the environment (pip runs as this user)
 * @param group               the owning group
 * @param systemSitePackages  let the environment see the system's site-packages (Debian's
 *                            python3-* packages)
 */
@Sensitivity // nothing of it is secret
public record VirtualenvResource(
        @NotNull @AbsolutePath String path,
        @NotNull Ensure ensure,
        @NotNull @AbsolutePath String python,
        @NotNull List<@NotNull @PipRequirement String> requirements,
        @HttpUrl String indexUrl,
        @NotNull List<@NotNull @LinkLocation String> findLinks,
        @PosixName String owner,
        @PosixName String group,
        boolean systemSitePackages) implements Resource {

    public static final String DEFAULT_PYTHON = "/usr/bin/python3";

    public VirtualenvResource {
        ensure = Values.or(ensure, Ensure.PRESENT);
        python = Values.or(python, DEFAULT_PYTHON);
        requirements = Values.list(requirements);
        findLinks = Values.list(findLinks);
    }

    @Override
    public String title() {
        return path;
    }
}
