package io.kraftwerk.master.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.Golden;
import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.FileResource;
import io.kraftwerk.model.resource.ResourceType;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example site in manifests/ compiles, node by node, to its checked-in catalogs, against a
 * store holding its two sample apps (example-site/artifacts.json: the digests are made up, as real
 * builds differ by machine).
 */
class ExampleSiteTest {
    static final List<String> NODES = List.of("web1.example.net", "db1.example.net", "lb1.example.net", "app1.example.net",
            "stage1.example.net");
    private static Site site;
    private static ArtifactIndex store;

    @BeforeAll
    static void parse() throws Exception {
        site = SiteParser.parse(DirectoryManifests.load(Golden.exampleSite()));
        store = CompileCasesTest.artifacts(Golden.testResources().resolve("example-site/artifacts.json"));
        assertEquals(List.of(), site.problems());
    }

    @ParameterizedTest
    @ValueSource(strings = {"web1.example.net", "db1.example.net", "lb1.example.net", "app1.example.net", "stage1.example.net"})
    void eachNodeCompilesToItsExpectedCatalog(String node) throws Exception {
        String json = ModelJson.write(CatalogCompiler.compile(site, new CompileRequest(node, null, null, null, store, Golden.exampleSecrets())));
        Golden.assertMatches(Golden.testResources().resolve("example-site").resolve(node + ".json"), json);
    }

    @Test
    void theSiteDeclaresExactlyItsFiveNodes() {
        assertEquals(Set.copyOf(NODES), Set.copyOf(site.declaredNodes()));
    }

    @Test
    void everyResourceTypeAppearsAtLeastOnce() throws Exception {
        Set<ResourceType> seen = EnumSet.noneOf(ResourceType.class);
        for (String node : NODES) {
            CatalogCompiler.compile(site, new CompileRequest(node, null, null, null, store, Golden.exampleSecrets())).resources()
                    .forEach(r -> seen.add(r.resource().type()));
        }
        assertEquals(EnumSet.allOf(ResourceType.class), seen);
    }

    @Test
    void compilingIsDeterministicDownToTheByte() throws Exception {
        for (String node : NODES) {
            String first = ModelJson.write(CatalogCompiler.compile(site, new CompileRequest(node, null, null, null, store, Golden.exampleSecrets())));
            Site reparsed = SiteParser.parse(DirectoryManifests.load(Golden.exampleSite()));
            String second = ModelJson.write(CatalogCompiler.compile(reparsed, new CompileRequest(node, null, null, null, store, Golden.exampleSecrets())));
            assertEquals(first, second, node);
        }
    }

    @Test
    void theCatalogReadsBackAsAValidCatalog() throws Exception {
        for (String node : NODES) {
            Catalog catalog = CatalogCompiler.compile(site, new CompileRequest(node, null, null, null, store, Golden.exampleSecrets()));
            assertEquals(catalog, ModelJson.readCatalog(ModelJson.writeBytes(catalog), node));
        }
    }

    @Test
    void stagingIsAllowedForWeb1AndChangesItsData() throws Exception {
        Catalog staging = CatalogCompiler.compile(site, new CompileRequest("web1.example.net", null, "staging", null, store, Golden.exampleSecrets()));
        assertEquals("staging", staging.environment());
        String motd = staging.resources().stream().filter(r -> r.id().equals("file[/etc/motd]")).findFirst()
                .map(r -> ((FileResource) r.resource()).content()).orElseThrow();
        assertTrue(motd.contains("staging: try anything"), motd);
    }
}
