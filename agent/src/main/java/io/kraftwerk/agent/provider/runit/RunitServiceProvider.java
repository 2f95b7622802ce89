package io.kraftwerk.agent.provider.runit;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.Refreshable;
import io.kraftwerk.model.resource.RunitServiceResource;
import io.kraftwerk.model.resource.ServiceEnsure;
import java.util.List;
import java.util.TreeMap;

/** {@code runit_service}: a command supervised by runit, restarted when notified. */
public final class RunitServiceProvider implements Provider<RunitServiceResource>, Refreshable<RunitServiceResource> {
    private final RunitSupervisor supervisor;

    public RunitServiceProvider(RunitSupervisor supervisor) {
        this.supervisor = supervisor;
    }

    static ServiceSpec spec(RunitServiceResource s) {
        String dir = RunitSupervisor.SV + s.name();
        String id = s.id().toString();
        return new ServiceSpec(id, s.name(), s.ensure() != ServiceEnsure.ABSENT, s.ensure() == ServiceEnsure.RUNNING,
                Scripts.run(id, dir, s.workingDir(), s.user(), s.group(), List.of(), s.command()),
                Scripts.logRun(id, s.logDir()), s.logDir(), s.env(), s.sensitiveEnv(), new TreeMap<>(), null);
    }

    @Override
    public Class<RunitServiceResource> resourceClass() {
        return RunitServiceResource.class;
    }

    @Override
    public Desired desired(RunitServiceResource s) {
        return supervisor.desired(spec(s));
    }

    @Override
    public Observed observe(RunitServiceResource s, ProviderContext context) throws Exception {
        return supervisor.observe(spec(s), context);
    }

    @Override
    public boolean apply(RunitServiceResource s, List<Change> changes, ProviderContext context) throws Exception {
        return supervisor.apply(spec(s), changes, context);
    }

    @Override
    public String refresh(RunitServiceResource s, ProviderContext context) throws Exception {
        return supervisor.restart(spec(s), context);
    }
}
