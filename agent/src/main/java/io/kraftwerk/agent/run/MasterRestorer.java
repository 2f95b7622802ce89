package io.kraftwerk.agent.run;

import io.kraftwerk.agent.client.MasterDumps;
import io.kraftwerk.agent.data.AppData;
import io.kraftwerk.agent.data.AppDumps;
import io.kraftwerk.agent.data.DataException;
import io.kraftwerk.agent.provider.DataRestorer;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.ProviderException;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.dump.DumpManifest;
import io.kraftwerk.model.resource.RestoreFrom;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's restore of an app's first deployment: the newest dump its restore_from names, fetched from
 * the master and loaded ({@link AppDumps}) before the first release serves. No dump yet is no
 * failure (the live node may not have pushed one); a refusal or a dump that does not check out is.
 */
final class MasterRestorer implements DataRestorer {
    private final MasterDumps master;
    private final Catalog catalog;
    private final AgentPaths paths;

    MasterRestorer(MasterDumps master, Catalog catalog, AgentPaths paths) {
        this.master = master;
        this.catalog = catalog;
        this.paths = paths;
    }

    @Override
    public String restore(WsgiReleaseResource release, ProviderContext context) throws IOException, ProviderException, InterruptedException {
        RestoreFrom from = release.restoreFrom();
        AppDumps.sweep(paths.dumps(), context.clock().instant());
        Path archive = AppDumps.newFile(paths.dumps(), "restore-");
        try {
            MasterDumps.Fetched fetched;
            try {
                fetched = master.pull(from.node(), from.app(), archive);
            } catch (MasterDumps.Refused e) {
                if (e.status() == 404) {
                    return "";
                }
                throw new ProviderException("restore_from: " + e.getMessage());
            }
            DumpManifest manifest = new AppDumps(context, paths.stateDir(), paths.dumps()).load(AppData.of(catalog, release.name()), archive);
            return "restored " + from.node() + "'s dump " + fetched.id() + " of " + from.app() + " (made " + fetched.created() + "): "
                    + DataCommands.parts(manifest);
        } catch (DataException e) {
            throw new ProviderException("restore_from " + from.node() + "'s " + from.app() + ": " + e.getMessage());
        } finally {
            Files.deleteIfExists(archive);
        }
    }
}
