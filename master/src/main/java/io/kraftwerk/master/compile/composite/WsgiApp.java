package io.kraftwerk.master.compile.composite;

import io.kraftwerk.model.resource.DataDirResource;
import io.kraftwerk.model.resource.DirectoryResource;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.GroupResource;
import io.kraftwerk.model.resource.GunicornAppResource;
import io.kraftwerk.model.resource.NginxVhostResource;
import io.kraftwerk.model.resource.PackageResource;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.resource.RunitServiceResource;
import io.kraftwerk.model.resource.ServiceEnsure;
import io.kraftwerk.model.resource.UserResource;
import io.kraftwerk.model.resource.VirtualenvResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Expands a {@code wsgi_app} into plain resources, the layout the old WSGI deployers converged on:
 * <pre>
 *   package[nginx], package[runit], package[python3-venv]
 *   group[NAME], user[NAME]                 system account, home ROOT, no login shell
 *   directory[ROOT]                         root-owned: the app cannot rewrite its own code
 *   directory[ROOT/DIR]                     for each static location given relative to ROOT
 *   directory[ROOT/data], data_dir[ROOT/data/X] for each data dir, owned by the app user, mode 0750;
 *                                           one that a static location serves is group www-data, 2750
 *   virtualenv[ROOT/venv]                   root-owned, requirements installed by pip
 *   gunicorn_app[NAME]                      runs as the app user under runit
 *   runit_service[NAME-P]                   each of processes (Procfile-like), as the app user, same env
 *   nginx_vhost[MAIN_DOMAIN]                proxies to the app, redirects forward domains
 * </pre>
 * The user and group are only declared when the app runs as its own user (no {@code user:} given).
 * With {@code ensure: absent} only the service, the vhost and the virtualenv are removed: data,
 * accounts and the root directory stay until removed on purpose.
 */
public final class WsgiApp {
    public static final String TYPE = "wsgi_app";
    static final String NOLOGIN = "/usr/sbin/nologin";
    /** The group Debian's nginx workers run as. */
    static final String NGINX_GROUP = "www-data";

    private WsgiApp() {
    }

    public static List<Resource> expand(WsgiAppSpec app) {
        String root = app.root();
        String venv = child(root, "venv");
        String user = app.effectiveUser();
        String group = app.effectiveGroup();
        String bind = app.effectiveBind();
        ServiceEnsure serviceEnsure = app.ensure() == Ensure.PRESENT ? ServiceEnsure.RUNNING : ServiceEnsure.ABSENT;
        List<Resource> out = new ArrayList<>();
        if (app.ensure() == Ensure.PRESENT) {
            out.add(new PackageResource("nginx", Ensure.PRESENT, null));
            out.add(new PackageResource("runit", Ensure.PRESENT, null));
            out.add(new PackageResource("python3-venv", Ensure.PRESENT, null));
            if (app.user() == null) {
                out.add(new GroupResource(group, Ensure.PRESENT, null, true));
                out.add(new UserResource(user, Ensure.PRESENT, null, group, List.of(), root, NOLOGIN,
                        "Kraftwerk wsgi_app " + app.name(), true, false));
            }
            out.add(new DirectoryResource(root, Ensure.PRESENT, "root", "root", "0755", false));
            for (String dir : app.staticLocations().values()) {
                if (!dir.startsWith("/")) {
                    out.add(new DirectoryResource(child(root, dir), Ensure.PRESENT, "root", "root", "0755", false));
                }
            }
            if (!app.dataDirs().isEmpty()) {
                out.add(new DirectoryResource(child(root, "data"), Ensure.PRESENT, "root", "root", "0755", false));
                SortedMap<String, String> served = staticLocations(app);
                for (String dir : app.dataDirs()) {
                    String path = dataDir(root, dir);
                    // nginx serves this data dir itself: let its group in, and keep new files in that group
                    boolean servedByNginx = served.containsValue(path);
                    out.add(new DataDirResource(path, Ensure.PRESENT, user, servedByNginx ? NGINX_GROUP : group,
                            servedByNginx ? "2750" : "0750", false));
                }
            }
        }
        out.add(new VirtualenvResource(venv, app.ensure(), app.python(), app.requirements(), app.indexUrl(),
                app.findLinks(), null, null, app.systemSitePackages()));
        out.add(new GunicornAppResource(app.name(), serviceEnsure, venv, app.module(), bind, app.workers(),
                app.timeout(), user, app.group(), root, environment(app), app.sensitiveEnv(), null, app.healthCheck()));
        for (Map.Entry<String, List<String>> process : app.processes().entrySet()) {
            out.add(new RunitServiceResource(app.name() + "-" + process.getKey(), serviceEnsure, program(venv, process.getValue()),
                    user, app.group(), environment(app), app.sensitiveEnv(), root, null));
        }
        out.add(new NginxVhostResource(app.domains().get(0), app.ensure(), app.domains(), app.redirectDomains(),
                app.listen(), List.of(bind), staticLocations(app), app.clientMaxBodySize(), app.tls()));
        return out;
    }

    /** A process's argv, its program found in the virtualenv when named without a path. */
    private static List<String> program(String venv, List<String> argv) {
        List<String> out = new ArrayList<>(argv);
        if (!out.get(0).startsWith("/")) {
            out.set(0, venv + "/bin/" + out.get(0));
        }
        return out;
    }

    /** The app's own env, plus DATA_DIR_X for each data dir unless the app sets it itself. */
    private static SortedMap<String, String> environment(WsgiAppSpec app) {
        SortedMap<String, String> env = new TreeMap<>();
        for (String dir : app.dataDirs()) {
            env.put("DATA_DIR_" + dir.toUpperCase(Locale.ROOT).replace('-', '_'), dataDir(app.root(), dir));
        }
        env.putAll(app.env());
        return env;
    }

    private static SortedMap<String, String> staticLocations(WsgiAppSpec app) {
        SortedMap<String, String> out = new TreeMap<>();
        app.staticLocations().forEach((url, dir) -> out.put(url, dir.startsWith("/") ? dir : child(app.root(), dir)));
        return out;
    }

    private static String dataDir(String root, String name) {
        return child(child(root, "data"), name);
    }

    private static String child(String parent, String name) {
        return parent.equals("/") ? "/" + name : parent + "/" + name;
    }
}
