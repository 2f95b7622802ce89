package io.kraftwerk.model.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.model.Samples;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.catalog.CatalogResource;
import io.kraftwerk.model.catalog.Provenance;
import io.kraftwerk.model.resource.Resource;
import io.kraftwerk.model.resource.ResourceType;
import io.kraftwerk.model.resource.WsgiReleaseResource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelJsonTest {

    @ParameterizedTest
    @EnumSource(ResourceType.class)
    void everyResourceTypeSurvivesAJsonRoundTrip(ResourceType type) throws Exception {
        Resource sample = Samples.everyType().get(type);
        Catalog catalog = new Catalog(1, "n1.example.net", "production", "sha256:00",
                List.of(CatalogResource.of(sample, false, List.of(), new Provenance("roles/x.yaml", 1, 1, "x", null))),
                List.of());
        byte[] json = ModelJson.writeBytes(catalog);
        Catalog read = ModelJson.readCatalog(json, "catalog.json");
        assertEquals(sample, read.resources().get(0).resource());
        assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"type\": \"" + type.wireName() + "\""));
    }

    @Test
    void aWholeCatalogRoundTripsToIdenticalBytes() throws Exception {
        byte[] first = ModelJson.writeBytes(Samples.catalog());
        Catalog read = ModelJson.readCatalog(first, "catalog.json");
        assertEquals(Samples.catalog(), read);
        assertArrayEquals(first, ModelJson.writeBytes(read));
    }

    @Test
    void theCompactWireFormIsTheSameDocumentWithoutIndentation() throws Exception {
        byte[] compact = ModelJson.writeCompactBytes(Samples.catalog());
        String text = new String(compact, StandardCharsets.UTF_8);
        assertTrue(!text.contains("\n") && text.startsWith("{\"edges\":"), text.substring(0, 40));
        assertEquals(Samples.catalog(), ModelJson.readCatalog(compact, "wire"));
        assertArrayEquals(compact, ModelJson.writeCompactBytes(ModelJson.readCatalog(compact, "wire")));
        assertEquals(ModelJson.write(Samples.catalog()), new String(ModelJson.writeBytes(Samples.catalog()), StandardCharsets.UTF_8));
    }

    @Test
    void aFleetDigestIsWrittenOnlyWhenTheCatalogReadTheFleetAndReadBackEitherWay() throws Exception {
        Catalog plain = Samples.catalog();
        assertTrue(!ModelJson.write(plain).contains("fleet_digest"), "a catalog that read no fleet data says nothing of it");
        assertEquals(plain, ModelJson.readCatalog(ModelJson.writeBytes(plain), "catalog.json"));
        String digest = "sha256:" + "ab".repeat(32);
        Catalog fleet = new Catalog(plain.formatVersion(), plain.node(), plain.environment(), plain.version(), plain.resources(),
                plain.edges(), digest);
        byte[] json = ModelJson.writeBytes(fleet);
        assertTrue(new String(json, StandardCharsets.UTF_8).contains("\"fleet_digest\": \"" + digest + "\""));
        assertEquals(fleet, ModelJson.readCatalog(json, "catalog.json"));
        String forged = new String(json, StandardCharsets.UTF_8).replace(digest, "sha256:../../etc");
        DocumentFormatException e = assertThrows(DocumentFormatException.class, () -> ModelJson.readCatalog(bytes(forged), "catalog.json"));
        assertTrue(e.problems().get(0).startsWith("catalog.json: fleet_digest: "), e.problems().toString());
    }

    @Test
    void aReleaseWithoutDatabasesOrRestoreSaysNothingOfThemSoItsCatalogKeepsTheBytesItHadBefore() throws Exception {
        WsgiReleaseResource withDatabases = (WsgiReleaseResource) Samples.everyType().get(ResourceType.WSGI_RELEASE);
        WsgiReleaseResource without = new WsgiReleaseResource(withDatabases.name(), withDatabases.ensure(), withDatabases.root(),
                withDatabases.python(), withDatabases.systemSitePackages(), withDatabases.requirements(), withDatabases.indexUrl(),
                withDatabases.findLinks(), withDatabases.artifacts(), withDatabases.module(), withDatabases.workers(),
                withDatabases.timeout(), withDatabases.user(), withDatabases.group(), withDatabases.env(), withDatabases.sensitiveEnv(),
                withDatabases.processes(), withDatabases.healthCheck(), withDatabases.healthStatus(), withDatabases.healthBody(),
                withDatabases.healthTimeout(), withDatabases.keep(), List.of(), null);
        String json = new String(ModelJson.mapper().writeValueAsBytes(without), StandardCharsets.UTF_8);
        assertFalse(json.contains("databases") || json.contains("restore_from"), json);
        assertEquals(without, ModelJson.mapper().readValue(json, Resource.class), "read back (a catalog cached before the field existed)");
        String listed = new String(ModelJson.mapper().writeValueAsBytes(withDatabases), StandardCharsets.UTF_8);
        assertTrue(listed.replaceAll("\\s", "").contains("\"databases\":[\"shop\"]"), listed);
        assertEquals(withDatabases, ModelJson.mapper().readValue(listed, Resource.class));
    }

    @Test
    void writesSnakeCaseSortedKeysAndNullsExplicitly() {
        String json = ModelJson.write(Samples.catalog());
        assertTrue(json.startsWith("{\n  \"edges\": ["), json.substring(0, 40));
        assertTrue(json.contains("\"format_version\": 1"));
        assertTrue(json.contains("\"system_site_packages\": true"));
        assertTrue(json.contains("\"composite\": null"));
        assertTrue(json.endsWith("}\n"));
        assertTrue(json.indexOf("\"edges\"") < json.indexOf("\"environment\"")
                && json.indexOf("\"environment\"") < json.indexOf("\"format_version\""));
    }

    @Test
    void rejectsAnUnknownFieldNamingItWithASuggestion() {
        String json = ModelJson.write(Samples.catalog()).replaceFirst("\"mode\": \"0640\"", "\"modee\": \"0640\", \"mode\": \"0640\"");
        DocumentFormatException e = assertThrows(DocumentFormatException.class,
                () -> ModelJson.readCatalog(bytes(json), "catalog.json"));
        String problem = e.problems().get(0);
        assertTrue(problem.matches("catalog\\.json:\\d+:\\d+: resources\\[3]\\.resource\\.modee: unknown field 'modee' "
                + "\\(did you mean 'mode'\\?\\); known fields: .*"), problem);
    }

    @Test
    void rejectsAMissingFieldNamingIt() {
        String json = ModelJson.write(Samples.catalog()).replaceFirst(",\\s*\"sensitive\": true", "");
        DocumentFormatException e = assertThrows(DocumentFormatException.class,
                () -> ModelJson.readCatalog(bytes(json), "catalog.json"));
        assertTrue(e.problems().get(0).endsWith("resources[3].resource: missing field 'sensitive'"), e.getMessage());
    }

    @Test
    void aMisspeltRequiredFieldIsReportedAsMissing() {
        String json = ModelJson.write(Samples.catalog()).replaceFirst("\"mode\": \"0640\"", "\"modee\": \"0640\"");
        DocumentFormatException e = assertThrows(DocumentFormatException.class,
                () -> ModelJson.readCatalog(bytes(json), "catalog.json"));
        assertTrue(e.problems().get(0).endsWith("resources[3].resource: missing field 'mode'"), e.getMessage());
    }

    @Test
    void rejectsAnUnknownResourceType() {
        String json = ModelJson.write(Samples.catalog()).replaceFirst("\"type\": \"directory\"", "\"type\": \"directroy\"");
        DocumentFormatException e = assertThrows(DocumentFormatException.class,
                () -> ModelJson.readCatalog(bytes(json), "catalog.json"));
        assertTrue(e.problems().get(0).contains("resources[4].resource: unknown resource type 'directroy' (did you mean 'directory'?)"),
                e.getMessage());
    }

    @Test
    void rejectsAnEnumValueListingTheAllowedOnes() {
        String json = ModelJson.write(Samples.catalog()).replaceFirst("\"ensure\": \"stopped\"", "\"ensure\": \"stoped\"");
        DocumentFormatException e = assertThrows(DocumentFormatException.class,
                () -> ModelJson.readCatalog(bytes(json), "catalog.json"));
        assertTrue(e.problems().get(0).endsWith("resources[7].resource.ensure: 'stoped' is not one of running, stopped, absent"
                + " (did you mean 'stopped'?)"), e.getMessage());
    }

    @Test
    void rejectsAWrongTypeNamingTheField() {
        String json = ModelJson.write(Samples.catalog()).replaceFirst("\"workers\": 4", "\"workers\": \"four\"");
        DocumentFormatException e = assertThrows(DocumentFormatException.class,
                () -> ModelJson.readCatalog(bytes(json), "catalog.json"));
        assertTrue(e.problems().get(0).contains("resources[8].resource.workers: "), e.getMessage());
    }

    @Test
    void reportsConstraintViolationsWithTheirJsonPath() {
        String json = ModelJson.write(Samples.catalog()).replaceFirst("\"mode\": \"0640\"", "\"mode\": \"0999\"")
                .replaceFirst("\"www-data\"", "\"Www Data\"");
        DocumentFormatException e = assertThrows(DocumentFormatException.class,
                () -> ModelJson.readCatalog(bytes(json), "catalog.json"));
        assertEquals(List.of(
                "catalog.json: resources[2].resource.groups[0]: must be a POSIX user or group name: lowercase letters, digits,"
                        + " '_' or '-', starting with a letter or '_', at most 32 characters",
                "catalog.json: resources[3].resource.mode: must be an octal mode such as 0644 or 2750"), e.problems());
    }

    @Test
    void refusesANewerFormatVersionWithAdviceToUpgrade() {
        String json = ModelJson.write(Samples.catalog()).replace("\"format_version\": 1", "\"format_version\": 2");
        DocumentFormatException e = assertThrows(DocumentFormatException.class,
                () -> ModelJson.readCatalog(bytes(json), "catalog.json"));
        assertEquals("catalog.json: catalog format_version 2 is not supported (this program reads version 1; "
                + "it was written by a newer Kraftwerk; upgrade this program)", e.problems().get(0));
    }

    @Test
    void reportsMalformedJsonWithLineAndColumn() {
        DocumentFormatException e = assertThrows(DocumentFormatException.class,
                () -> ModelJson.readCatalog(bytes("{\n  \"format_version\": 1,\n  \"node\": }"), "catalog.json"));
        assertTrue(e.problems().get(0).startsWith("catalog.json:3:"), e.getMessage());
        assertTrue(e.problems().get(0).contains("malformed JSON"), e.getMessage());
    }

    @Test
    void rejectsDuplicateKeys() {
        String json = ModelJson.write(Samples.catalog()).replaceFirst("\"node\": \"web1.example.net\"",
                "\"node\": \"web1.example.net\", \"node\": \"web2.example.net\"");
        DocumentFormatException e = assertThrows(DocumentFormatException.class,
                () -> ModelJson.readCatalog(bytes(json), "catalog.json"));
        assertTrue(e.problems().get(0).contains("Duplicate field 'node'"), e.getMessage());
    }

    @Test
    void rejectsACatalogWhoseOrderBreaksAnEdge() {
        Catalog good = Samples.catalog();
        List<CatalogResource> reversed = new ArrayList<>(good.resources());
        Collections.reverse(reversed);
        Catalog bad = new Catalog(1, good.node(), good.environment(), good.version(), reversed, good.edges());
        DocumentFormatException e = assertThrows(DocumentFormatException.class,
                () -> ModelJson.readCatalog(ModelJson.writeBytes(bad), "catalog.json"));
        assertEquals(List.of("catalog.json: edges[0]: package[nginx] must come before nginx_vhost[app.example.net]"
                + " in 'resources' (the order must respect every edge)"), e.problems());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
