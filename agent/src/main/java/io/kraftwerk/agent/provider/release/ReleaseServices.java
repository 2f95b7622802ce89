package io.kraftwerk.agent.provider.release;

import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.runit.GunicornAppProvider;
import io.kraftwerk.agent.provider.runit.RunitSupervisor;
import io.kraftwerk.agent.provider.runit.Scripts;
import io.kraftwerk.agent.provider.runit.ServiceSpec;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The runit services of one release: gunicorn on the release's own socket, and each process beside
 * it, all from the release's virtualenv, as the app's user, in its root, with its env.
 */
final class ReleaseServices {
    /** The group nginx's workers run as (Debian): the only one let into the socket directory beside the app. */
    static final String NGINX_GROUP = "www-data";

    private ReleaseServices() {
    }

    static ServiceSpec web(WsgiReleaseResource r, String id) {
        ReleaseLayout layout = ReleaseLayout.of(r);
        String name = layout.webService(id);
        String dir = RunitSupervisor.SV + name;
        // /run is a tmpfs: the socket's directory is made on every start, nginx's group let in, nobody else
        List<String> prelude = List.of("install -d -o " + Scripts.quote(r.user()) + " -g " + NGINX_GROUP + " -m 0750 "
                + Scripts.quote(layout.socketDir()));
        List<String> command = List.of(layout.venv(id) + "/bin/python", "-m", "gunicorn", "--config",
                dir + "/" + GunicornAppProvider.CONFIG, r.module());
        TreeMap<String, String> files = new TreeMap<>();
        files.put(GunicornAppProvider.CONFIG, GunicornAppProvider.config(r.id() + " release " + id,
                "unix:" + layout.socket(id), r.workers(), r.timeout(), name));
        return new ServiceSpec(r.id() + " release " + id, name, true, true,
                Scripts.run(r.id().toString(), dir, r.root(), r.user(), r.group(), prelude, command),
                Scripts.logRun(r.id().toString(), layout.webLog(id)), layout.webLog(id), r.env(), r.sensitiveEnv(), files, null);
    }

    static List<ServiceSpec> processes(WsgiReleaseResource r, String id) {
        ReleaseLayout layout = ReleaseLayout.of(r);
        List<ServiceSpec> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> p : r.processes().entrySet()) {
            String name = layout.processService(p.getKey(), id);
            List<String> argv = new ArrayList<>(p.getValue());
            if (!argv.get(0).startsWith("/")) {
                argv.set(0, layout.venv(id) + "/bin/" + argv.get(0)); // python, celery: the release's own
            }
            String log = layout.processLog(p.getKey(), id);
            out.add(new ServiceSpec(r.id() + " process " + p.getKey() + " of release " + id, name, true, true,
                    Scripts.run(r.id().toString(), RunitSupervisor.SV + name, r.root(), r.user(), r.group(), List.of(), argv),
                    Scripts.logRun(r.id().toString(), log), log, r.env(), r.sensitiveEnv(), new TreeMap<>(), null));
        }
        return out;
    }

    /**
     * The services of a kept release by name only, for parking, resuming and removing them when
     * the catalog that made them is gone: their directories under /etc/sv still hold everything.
     */
    static ServiceSpec named(String name, String logDir) {
        return new ServiceSpec(name, name, true, true, null, null, logDir, new TreeMap<>(), List.of(), new TreeMap<>(), null);
    }

    /** As {@link #named(String, String)}, with the env its directory holds, so what it shows has its secrets cut. */
    static ServiceSpec named(String name, String logDir, ProviderContext context, List<String> sensitiveEnv) throws IOException {
        return new ServiceSpec(name, name, true, true, null, null, logDir, RunitSupervisor.env(name, context), sensitiveEnv,
                new TreeMap<>(), null);
    }
}
