package io.kraftwerk.master.compile.composite;

import io.kraftwerk.model.resource.ArtifactRef;
import io.kraftwerk.model.resource.DataDirResource;
import io.kraftwerk.model.resource.DirectoryResource;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.GroupResource;
import io.kraftwerk.model.resource.NginxVhostResource;
import io.kraftwerk.model.resource.PackageResource;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.resource.UserResource;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Expands a {@code wsgi_app} into plain resources, the layout the old WSGI deployers converged on:
 * <pre>
 *   package[nginx], package[runit], package[python3-venv], package[python3-pip]
 *   group[NAME], user[NAME]                 system account, home ROOT, no login shell
 *   directory[ROOT]                         root-owned: the app cannot rewrite its own code
 *   directory[ROOT/DIR]                     for each static location given relative to ROOT
 *   directory[ROOT/data], data_dir[ROOT/data/X] for each data dir, owned by the app user, mode 0750;
 *                                           one that a static location serves is group www-data, 2750
 *   wsgi_release[NAME]                      the code: ROOT/releases/ID/venv (root-owned), gunicorn and
 *                                           each of processes (Procfile-like) under runit as the app
 *                                           user, switched to through ROOT/current once healthy
 *   nginx_vhost[MAIN_DOMAIN]                proxies to ROOT/current/gunicorn.sock, redirects forward domains
 * </pre>
 * The databases it names are the node's own {@code postgresql_database}s, declared beside it; their
 * URLs join its env, secret, and its release comes after them.
 * The user and group are only declared when the app runs as its own user (no {@code user:} given).
 * With {@code ensure: absent} only the releases and the vhost are removed: data, accounts and the
 * root directory stay until removed on purpose.
 */
public final class WsgiApp {
    public static final String TYPE = "wsgi_app";
    static final String NOLOGIN = "/usr/sbin/nologin";
    static final String DATABASE_URL = "DATABASE_URL";
    /** The group Debian's nginx workers run as. */
    static final String NGINX_GROUP = "www-data";

    private WsgiApp() {
    }

    public static List<Resource> expand(WsgiAppSpec app) {
        return expand(app, List.of(), List.of());
    }

    /**
     * @param artifacts the files of the artifact store its {@code artifact:} requirements resolved
     *                  to; those requirements are already plain pip requirements in {@code app}
     * @param databases the node's databases its {@code databases} name, in that order
     */
    public static List<Resource> expand(WsgiAppSpec app, List<ArtifactRef> artifacts, List<PostgresqlDatabaseResource> databases) {
        String root = app.root();
        String user = app.effectiveUser();
        String group = app.effectiveGroup();
        List<Resource> out = new ArrayList<>();
        if (app.ensure() == Ensure.PRESENT) {
            out.add(new PackageResource("nginx", Ensure.PRESENT, null));
            out.add(new PackageResource("runit", Ensure.PRESENT, null));
            out.add(new PackageResource("python3-venv", Ensure.PRESENT, null));
            // fills each release's virtualenv, made without a pip of its own: seconds faster per release
            out.add(new PackageResource("python3-pip", Ensure.PRESENT, null));
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
        out.add(new WsgiReleaseResource(app.name(), app.ensure(), root, app.python(), app.systemSitePackages(),
                app.requirements(), app.indexUrl(), app.findLinks(), artifacts, app.module(), app.workers(), app.timeout(),
                user, app.group(), environment(app, databases), sensitiveEnvironment(app, databases), app.processes(),
                app.healthCheck(), app.healthStatus(), app.healthBody(), app.healthTimeout(), app.keep(),
                app.ensure() == Ensure.PRESENT ? app.databases() : List.of(), app.ensure() == Ensure.PRESENT ? app.restoreFrom() : null));
        out.add(new NginxVhostResource(app.domains().get(0), app.ensure(), app.domains(), app.redirectDomains(),
                app.listen(), List.of(WsgiReleaseResource.upstream(root)), staticLocations(app), app.clientMaxBodySize(),
                app.tls()));
        return out;
    }

    /**
     * The app's own env, plus DATA_DIR_X for each data dir and the URLs of its databases, unless the
     * app sets them itself.
     */
    private static SortedMap<String, String> environment(WsgiAppSpec app, List<PostgresqlDatabaseResource> databases) {
        SortedMap<String, String> env = new TreeMap<>();
        for (String dir : app.dataDirs()) {
            env.put("DATA_DIR_" + dir.toUpperCase(Locale.ROOT).replace('-', '_'), dataDir(app.root(), dir));
        }
        databaseUrls(databases).forEach(env::put);
        env.putAll(app.env());
        return env;
    }

    /** The app's sensitive env, and every database URL it did not set itself (a URL may hold the owner's password). */
    private static List<String> sensitiveEnvironment(WsgiAppSpec app, List<PostgresqlDatabaseResource> databases) {
        List<String> sensitive = new ArrayList<>(app.sensitiveEnv());
        databaseUrls(databases).keySet().stream().filter(name -> !app.env().containsKey(name) && !sensitive.contains(name))
                .forEach(sensitive::add);
        return sensitive;
    }

    /** DATABASE_URL for the first database; DATABASE_URL_NAME for each as well when there are several. */
    private static SortedMap<String, String> databaseUrls(List<PostgresqlDatabaseResource> databases) {
        SortedMap<String, String> urls = new TreeMap<>();
        if (!databases.isEmpty()) {
            urls.put(DATABASE_URL, DatabaseUrl.of(databases.get(0)));
        }
        if (databases.size() > 1) {
            databases.forEach(d -> urls.put(DATABASE_URL + "_" + d.name().toUpperCase(Locale.ROOT), DatabaseUrl.of(d)));
        }
        return urls;
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
