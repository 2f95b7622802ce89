package io.kraftwerk.agent.provider;

import io.kraftwerk.agent.provider.accounts.GroupProvider;
import io.kraftwerk.agent.provider.accounts.SshAuthorizedKeyProvider;
import io.kraftwerk.agent.provider.accounts.UserProvider;
import io.kraftwerk.agent.provider.commands.CronJobProvider;
import io.kraftwerk.agent.provider.commands.ExecProvider;
import io.kraftwerk.agent.provider.files.DataDirProvider;
import io.kraftwerk.agent.provider.files.DirectoryProvider;
import io.kraftwerk.agent.provider.files.FileProvider;
import io.kraftwerk.agent.provider.kernel.SysctlProvider;
import io.kraftwerk.agent.provider.nginx.NginxVhostProvider;
import io.kraftwerk.agent.provider.packages.AptSourceProvider;
import io.kraftwerk.agent.provider.packages.PackageProvider;
import io.kraftwerk.agent.provider.postgresql.PostgresqlDatabaseProvider;
import io.kraftwerk.agent.provider.python.VirtualenvProvider;
import io.kraftwerk.agent.provider.runit.GunicornAppProvider;
import io.kraftwerk.agent.provider.runit.RunitServiceProvider;
import io.kraftwerk.agent.provider.runit.RunitSupervisor;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.agent.provider.release.WsgiReleaseProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The one place that maps each resource type to its provider. */
public final class ProviderRegistry {
    private final Map<Class<?>, Provider<?>> providers = new LinkedHashMap<>();

    public ProviderRegistry(List<Provider<?>> providers) {
        for (Provider<?> p : providers) {
            if (this.providers.put(p.resourceClass(), p) != null) {
                throw new IllegalArgumentException("two providers for " + p.resourceClass().getSimpleName());
            }
        }
    }

    /**
     * @param healthTimeout   how long an app gets to pass its health check
     * @param dpkgLockTimeout how long apt waits for the dpkg lock that another apt or dpkg holds
     * @param stateDir        the agent's state directory (what it knows of releases is kept there)
     */
    public static ProviderRegistry standard(Duration healthTimeout, Duration dpkgLockTimeout, Path stateDir) {
        GroupProvider groups = new GroupProvider();
        RunitSupervisor runit = new RunitSupervisor();
        return new ProviderRegistry(List.of(new PackageProvider(dpkgLockTimeout), groups, new UserProvider(groups), new FileProvider(),
                new DirectoryProvider(), new DataDirProvider(), new VirtualenvProvider(), new RunitServiceProvider(runit),
                new GunicornAppProvider(runit, healthTimeout), new NginxVhostProvider(), new SysctlProvider(),
                new SshAuthorizedKeyProvider(groups), new CronJobProvider(), new AptSourceProvider(dpkgLockTimeout), new ExecProvider(),
                new PostgresqlDatabaseProvider(), new WsgiReleaseProvider(runit, stateDir)));
    }

    @SuppressWarnings("unchecked")
    public <R extends Resource> Provider<R> forResource(R resource) {
        Provider<?> p = providers.get(resource.getClass());
        if (p == null) {
            throw new IllegalStateException("no provider for " + resource.type() + " (this is a Kraftwerk bug, please report it)");
        }
        return (Provider<R>) p;
    }

    public Collection<Provider<?>> all() {
        return providers.values();
    }
}
