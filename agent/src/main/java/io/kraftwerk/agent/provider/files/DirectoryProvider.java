package io.kraftwerk.agent.provider.files;

import io.kraftwerk.agent.fs.FsEntry;
import io.kraftwerk.agent.fs.FsOps;
import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.resource.DirectoryResource;
import io.kraftwerk.model.resource.Ensure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** {@code directory}: the directory itself, never its content. Removes a non-empty one only with {@code force}. */
public final class DirectoryProvider implements Provider<DirectoryResource> {

    @Override
    public Class<DirectoryResource> resourceClass() {
        return DirectoryResource.class;
    }

    @Override
    public Desired desired(DirectoryResource dir) {
        Desired desired = new Desired().ensure(dir.ensure() == Ensure.PRESENT ? "present" : "absent");
        FsAttributes.desired(desired, dir.owner(), dir.group(), dir.mode());
        return desired;
    }

    @Override
    public Observed observe(DirectoryResource dir, ProviderContext context) throws IOException {
        return Directories.observe(context.path(dir.path()), context);
    }

    @Override
    public boolean apply(DirectoryResource dir, List<Change> changes, ProviderContext context)
            throws IOException, ProviderException {
        Path path = context.path(dir.path());
        if (dir.ensure() == Ensure.ABSENT) {
            Directories.remove(dir.path(), path, dir.force(), "force: true", context);
        } else if (changes.stream().anyMatch(Change::isEnsure)) {
            Directories.create(dir.path(), path, dir.owner(), dir.group(), dir.mode(), context);
        } else {
            FsAttributes.apply(path, changes, context);
        }
        return false;
    }

}
