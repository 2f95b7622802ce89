package io.kraftwerk.agent.provider.runit;

import io.kraftwerk.agent.provider.Change;
import io.kraftwerk.agent.provider.Desired;
import io.kraftwerk.agent.provider.Observed;
import io.kraftwerk.agent.provider.Provider;
import io.kraftwerk.agent.provider.ProviderContext;
import io.kraftwerk.agent.provider.Refreshable;
import io.kraftwerk.model.resource.GunicornAppResource;
import io.kraftwerk.model.resource.ServiceEnsure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * {@code gunicorn_app}: a runit service running {@code python -m gunicorn} from the virtualenv with
 * a rendered {@code gunicorn.conf.py}. After each (re)start the health check must pass.
 */
public final class GunicornAppProvider implements Provider<GunicornAppResource>, Refreshable<GunicornAppResource> {
    public static final String CONFIG = "gunicorn.conf.py";
    private final RunitSupervisor supervisor;
    private final Duration healthTimeout;

    public GunicornAppProvider(RunitSupervisor supervisor, Duration healthTimeout) {
        this.supervisor = supervisor;
        this.healthTimeout = healthTimeout;
    }

    ServiceSpec spec(GunicornAppResource app) {
        String dir = RunitSupervisor.SV + app.name();
        String id = app.id().toString();
        List<String> prelude = new ArrayList<>();
        if (app.bind().startsWith("unix:")) {
            String socket = app.bind().substring("unix:".length());
            String socketDir = socket.substring(0, Math.max(1, socket.lastIndexOf('/')));
            // the socket's directory lives in /run (a tmpfs): recreate it on every start
            prelude.add("install -d -o " + Scripts.quote(app.user()) + " -m 0755 " + Scripts.quote(socketDir));
        }
        String workingDir = app.workingDir() != null ? app.workingDir()
                : app.virtualenv().substring(0, Math.max(1, app.virtualenv().lastIndexOf('/')));
        List<String> command = List.of(app.virtualenv() + "/bin/python", "-m", "gunicorn", "--config", dir + "/" + CONFIG,
                app.module());
        TreeMap<String, String> files = new TreeMap<>();
        files.put(CONFIG, config(app));
        ServiceSpec.HealthCheck check = app.healthCheck() == null ? null
                : new HttpProbe(app.bind(), app.healthCheck(), healthTimeout);
        return new ServiceSpec(id, app.name(), app.ensure() != ServiceEnsure.ABSENT, app.ensure() == ServiceEnsure.RUNNING,
                Scripts.run(id, dir, workingDir, app.user(), app.group(), prelude, command),
                Scripts.logRun(id, app.logDir()), app.logDir(), app.env(), app.sensitiveEnv(), files, check);
    }

    /** gunicorn's configuration is Python: values are written as Python string literals. */
    static String config(GunicornAppResource app) {
        return config(app.id().toString(), app.bind(), app.workers(), app.timeout(), app.name());
    }

    /** The configuration of one gunicorn: a gunicorn_app's, or a release's. */
    public static String config(String id, String bind, int workers, int timeout, String procName) {
        return "# Managed by Kraftwerk: " + id + ". Local changes are reverted.\n"
                + "bind = " + pyString(bind) + "\n"
                + "workers = " + workers + "\n"
                + "timeout = " + timeout + "\n"
                + "proc_name = " + pyString(procName) + "\n"
                + "accesslog = \"-\"\n"
                + "errorlog = \"-\"\n";
    }

    static String pyString(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    @Override
    public Class<GunicornAppResource> resourceClass() {
        return GunicornAppResource.class;
    }

    @Override
    public Desired desired(GunicornAppResource app) {
        return supervisor.desired(spec(app));
    }

    @Override
    public Observed observe(GunicornAppResource app, ProviderContext context) throws Exception {
        return supervisor.observe(spec(app), context);
    }

    @Override
    public boolean apply(GunicornAppResource app, List<Change> changes, ProviderContext context) throws Exception {
        return supervisor.apply(spec(app), changes, context);
    }

    @Override
    public String refresh(GunicornAppResource app, ProviderContext context) throws Exception {
        return supervisor.restart(spec(app), context);
    }
}
