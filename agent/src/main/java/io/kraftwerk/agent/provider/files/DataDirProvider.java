package io.kraftwerk.agent.provider.files;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.report.LogLine;
import io.kraftwerk.model.resource.DataDirResource;
import io.kraftwerk.model.resource.Ensure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code data_dir}: an application's writable folder. It is deleted only with {@code ensure: absent}
 * and {@code purge: true}; {@code ensure: absent} alone manages nothing and says so in the log.
 */
public final class DataDirProvider implements Provider<DataDirResource> {

    @Override
    public Class<DataDirResource> resourceClass() {
        return DataDirResource.class;
    }

    @Override
    public Desired desired(DataDirResource dir) {
        Desired desired = new Desired();
        if (dir.ensure() == Ensure.ABSENT) {
            return dir.purge() ? desired.ensure("absent") : desired; // not purged: nothing managed
        }
        desired.ensure("present");
        FsAttributes.desired(desired, dir.owner(), dir.group(), dir.mode());
        return desired;
    }

    @Override
    public Observed observe(DataDirResource dir, ProviderContext context) throws IOException {
        if (dir.ensure() == Ensure.ABSENT && !dir.purge()) {
            context.log(LogLine.Level.WARNING, dir.id().toString(), "ensure: absent without purge: true; "
                    + dir.path() + " and its data are kept (add purge: true to delete them)");
        }
        return Directories.observe(context.path(dir.path()), context);
    }

    @Override
    public boolean apply(DataDirResource dir, List<Change> changes, ProviderContext context)
            throws IOException, ProviderException {
        Path path = context.path(dir.path());
        if (dir.ensure() == Ensure.ABSENT) {
            Directories.remove(dir.path(), path, dir.purge(), "purge: true", context);
        } else if (changes.stream().anyMatch(Change::isEnsure)) {
            Directories.create(dir.path(), path, dir.owner(), dir.group(), dir.mode(), context);
        } else {
            FsAttributes.apply(path, changes, context);
        }
        return false;
    }
}
