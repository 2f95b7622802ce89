package io.kraftwerk.agent.data;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.resource.DataDirResource;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An app's data on this node, as the catalog the node last applied declares it: its data dirs
 * ({@code data_dir}s under ROOT/data, as {@code wsgi_app} makes them) and the databases its release
 * names. What is not declared is not the app's, and neither dumped nor overwritten.
 *
 * @param app       the app
 * @param release   its release resource (user, root, services)
 * @param dataDirs  by folder name (uploads), in the catalog's order
 * @param databases by name, in the release's order
 */
public record AppData(String app, WsgiReleaseResource release, Map<String, DataDirResource> dataDirs,
                      Map<String, PostgresqlDatabaseResource> databases) {

    /** The app's data in a catalog. */
    public static AppData of(Catalog catalog, String app) throws DataException {
        List<Resource> resources = catalog.resources().stream().map(CatalogResource::resource).toList();
        WsgiReleaseResource release = resources.stream().filter(r -> r instanceof WsgiReleaseResource w && w.name().equals(app))
                .map(r -> (WsgiReleaseResource) r).findFirst().orElseThrow(() -> new DataException("the catalog of "
                        + catalog.node() + " has no wsgi_app '" + app + "'" + apps(resources)));
        if (release.absent()) {
            throw new DataException("wsgi_app '" + app + "' is declared absent on " + catalog.node() + ": it has no data here to use");
        }
        String data = (release.root().equals("/") ? "" : release.root()) + "/data/";
        Map<String, DataDirResource> dirs = new LinkedHashMap<>();
        Map<String, PostgresqlDatabaseResource> databases = new LinkedHashMap<>();
        for (Resource r : resources) {
            if (r instanceof DataDirResource d && !d.absent() && d.path().startsWith(data) && d.path().indexOf('/', data.length()) < 0) {
                dirs.put(d.path().substring(data.length()), d);
            }
        }
        for (String name : release.databases()) {
            resources.stream().filter(r -> r instanceof PostgresqlDatabaseResource p && p.name().equals(name) && !p.absent())
                    .findFirst().ifPresent(r -> databases.put(name, (PostgresqlDatabaseResource) r));
        }
        return new AppData(app, release, dirs, databases);
    }

    /** The parts named (data dir and database names), or all of them; an unknown name is an error listing the known ones. */
    public AppData only(List<String> names) throws DataException {
        if (names.isEmpty()) {
            return this;
        }
        Map<String, DataDirResource> dirs = new LinkedHashMap<>();
        Map<String, PostgresqlDatabaseResource> dbs = new LinkedHashMap<>();
        for (String name : names) {
            if (dataDirs.containsKey(name)) {
                dirs.put(name, dataDirs.get(name));
            } else if (databases.containsKey(name)) {
                dbs.put(name, databases.get(name));
            } else {
                throw new DataException("'" + name + "' is neither a data dir nor a database of " + app + " (" + describe() + ")");
            }
        }
        return new AppData(app, release, dirs, dbs);
    }

    public boolean isEmpty() {
        return dataDirs.isEmpty() && databases.isEmpty();
    }

    /** "data dirs uploads, media; databases hello" */
    public String describe() {
        List<String> out = new ArrayList<>();
        out.add(dataDirs.isEmpty() ? "no data dirs" : "data dirs " + String.join(", ", dataDirs.keySet()));
        out.add(databases.isEmpty() ? "no databases" : "databases " + String.join(", ", databases.keySet()));
        return String.join("; ", out);
    }

    private static String apps(List<Resource> resources) {
        List<String> names = resources.stream().filter(r -> r instanceof WsgiReleaseResource).map(Resource::title).toList();
        return names.isEmpty() ? " (it has none)" : " (it has " + String.join(", ", names) + ")";
    }
}
