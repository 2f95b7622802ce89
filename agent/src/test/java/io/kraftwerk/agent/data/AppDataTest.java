package io.kraftwerk.agent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.resource.DataDirResource;
import io.kraftwerk.model.resource.Ensure;
import io.kraftwerk.model.resource.PostgresqlDatabaseResource;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppDataTest {

    @Test
    void anAppsDataIsItsDataDirsUnderItsRootAndTheDatabasesItsReleaseNames() throws Exception {
        AppData hello = AppData.of(catalog(), "hello");
        assertEquals(List.of("uploads", "cache"), List.copyOf(hello.dataDirs().keySet()), "in the catalog's order");
        assertEquals(List.of("hello"), List.copyOf(hello.databases().keySet()));
        assertEquals("data dirs uploads, cache; databases hello", hello.describe());
        assertEquals("data dirs media; no databases", AppData.of(catalog(), "blog").describe(),
                "another app's data dirs, a nested folder and a removed one are not hello's; nor blog's the database it does not name");
    }

    @Test
    void partsMayBeNamedAndAnUnknownOneSaysWhatThereIs() throws Exception {
        AppData hello = AppData.of(catalog(), "hello");
        assertEquals("data dirs uploads; no databases", hello.only(List.of("uploads")).describe());
        assertEquals("no data dirs; databases hello", hello.only(List.of("hello")).describe());
        DataException e = assertThrows(DataException.class, () -> hello.only(List.of("media")));
        assertEquals("'media' is neither a data dir nor a database of hello (data dirs uploads, cache; databases hello)", e.getMessage());
    }

    @Test
    void anAppTheCatalogDoesNotHaveOrRemovesHasNoData() {
        DataException missing = assertThrows(DataException.class, () -> AppData.of(catalog(), "shop"));
        assertEquals("the catalog of app1.example.net has no wsgi_app 'shop' (it has hello, blog, old)", missing.getMessage());
        DataException absent = assertThrows(DataException.class, () -> AppData.of(catalog(), "old"));
        assertTrue(absent.getMessage().startsWith("wsgi_app 'old' is declared absent"), absent.getMessage());
    }

    private static Catalog catalog() {
        List<Resource> resources = new ArrayList<>();
        resources.add(new DataDirResource("/srv/hello/data/uploads", Ensure.PRESENT, "hello", "hello", "0750", false));
        resources.add(new DataDirResource("/srv/hello/data/cache", Ensure.PRESENT, "hello", "hello", "0750", false));
        resources.add(new DataDirResource("/srv/hello/data/cache/thumbs", Ensure.PRESENT, "hello", "hello", "0750", false));
        resources.add(new DataDirResource("/srv/hello/data/gone", Ensure.ABSENT, null, null, null, true));
        resources.add(new DataDirResource("/srv/blog/data/media", Ensure.PRESENT, "blog", "www-data", "2750", false));
        resources.add(new PostgresqlDatabaseResource("hello", null, null, null, null, null, null, false));
        resources.add(release("hello", Ensure.PRESENT, List.of("hello")));
        resources.add(release("blog", Ensure.PRESENT, List.of()));
        resources.add(release("old", Ensure.ABSENT, List.of()));
        List<CatalogResource> listed = resources.stream().map(r -> CatalogResource.of(r, false, List.of(),
                new Provenance("roles/x.yaml", 1, 1, "x", null))).toList();
        return new Catalog(Catalog.FORMAT_VERSION, "app1.example.net", "production", "v1", listed, List.of());
    }

    private static WsgiReleaseResource release(String name, Ensure ensure, List<String> databases) {
        return new WsgiReleaseResource(name, ensure, "/srv/" + name, null, false, List.of(name + "==1.0"), null, List.of(), List.of(),
                name + ".wsgi:application", null, null, name, null, null, null, null, null, null, null, null, null, databases, null);
    }
}
