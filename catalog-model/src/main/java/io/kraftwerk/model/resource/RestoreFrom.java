package io.kraftwerk.model.resource;

import io.kraftwerk.model.validation.Hostname;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

/**
 * Where an app's data comes from when it is first deployed, or on {@code kw-agent data pull}: the
 * newest dump another node pushed of an app (usually the live site's, for a stage copy). The
 * master serves it only if the manifests of that node's environment grant it ({@code dump_access}).
 *
 * @param node the node whose dump (its certname)
 * @param app  the app the dump is of (default: the same app)
 */
public record RestoreFrom(
        @NotNull @Hostname String node,
        @NotNull @Pattern(regexp = "[a-z][a-z0-9_-]{0,31}", message = "must be an app name") String app) {
}
