package io.kraftwerk.master.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.Golden;
import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.manifest.ManifestFiles;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.FileResource;
import io.kraftwerk.model.resource.NginxVhostResource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fleet data as a compile input: the same snapshot gives the same catalog, a catalog records what it
 * read, the master's cache key (the view digest) moves exactly when what a query could read moves, and
 * nothing of another node reaches a catalog unless a query of site.yaml asks for it.
 */
class FleetCompileTest {
    private static final String SITE = "apiVersion: kraftwerk/v1\nkind: Site\n"
            + "fleet:\n  backends:\n    role: web\n    each: \"${facts.networking.ip}:80\"\n"
            + "nodes:\n  - name: lb1.example.net\n    roles: [lb]\n  - glob: \"web*.example.net\"\n    roles: [web]\n";
    private static final String LB = "apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  nginx_vhost:\n"
            + "    app.example.net: {server_names: [app.example.net], upstream: \"${fleet.backends}\"}\n";
    private static final String WEB = "apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  package:\n    gunicorn: {}\n";

    private static Site site(String lbRole) {
        return SiteParser.parse(ManifestFiles.ofContent(Map.of("site.yaml", bytes(SITE), "roles/lb.yaml", bytes(lbRole),
                "roles/web.yaml", bytes(WEB))));
    }

    private static FleetNode web(String name, String ip, FleetNode.Standing standing, Map<String, Object> more) {
        Map<String, Object> facts = new TreeMap<>(more);
        facts.put("networking", Map.of("ip", ip));
        return new FleetNode(name, "production", List.of("web"), Facts.of(facts, "facts of " + name), standing);
    }

    private static Catalog compile(Site site, String node, FleetSnapshot fleet) throws ManifestException {
        return CatalogCompiler.compile(site, new CompileRequest(node, Facts.empty(), null, null, null, null, fleet));
    }

    private static List<String> upstream(Catalog catalog) {
        return ((NginxVhostResource) catalog.resources().get(0).resource()).upstream();
    }

    @Test
    void theSameSnapshotGivesTheSameCatalogAndTheCatalogRecordsWhatItRead() throws Exception {
        Site site = site(LB);
        FleetSnapshot two = new FleetSnapshot(List.of(web("web2.example.net", "10.0.0.12", FleetNode.Standing.REPORTING, Map.of()),
                web("web1.example.net", "10.0.0.11", FleetNode.Standing.REPORTING, Map.of())));
        Catalog first = compile(site, "lb1.example.net", two);
        assertEquals(List.of("10.0.0.11:80", "10.0.0.12:80"), upstream(first), "sorted by name, whatever the snapshot's order");
        assertEquals(ModelJson.write(first), ModelJson.write(compile(site(LB), "lb1.example.net", new FleetSnapshot(two.nodes()))));
        assertTrue(first.fleetDigest().startsWith("sha256:"));

        FleetSnapshot oneFailed = new FleetSnapshot(List.of(web("web1.example.net", "10.0.0.11", FleetNode.Standing.REPORTING, Map.of()),
                web("web2.example.net", "10.0.0.12", FleetNode.Standing.FAILED, Map.of())));
        Catalog without = compile(site, "lb1.example.net", oneFailed);
        assertEquals(List.of("10.0.0.11:80"), upstream(without), "a node whose last run failed leaves the pool");
        assertNotEquals(first.fleetDigest(), without.fleetDigest());

        Catalog web = compile(site, "web1.example.net", two);
        assertNull(web.fleetDigest(), "a catalog that read nothing of the fleet records nothing");
        assertFalse(ModelJson.write(web).contains("fleet"));
    }

    @Test
    void theViewDigestMovesWithWhatAQueryCanReadAndNothingElse() {
        Site site = site(LB);
        FleetSnapshot base = new FleetSnapshot(List.of(web("web1.example.net", "10.0.0.11", FleetNode.Standing.REPORTING,
                Map.of("uptime_seconds", 10))));
        String digest = CatalogCompiler.fleetView(site, base);
        assertEquals(digest, CatalogCompiler.fleetView(site, new FleetSnapshot(List.of(web("web1.example.net", "10.0.0.11",
                FleetNode.Standing.REPORTING, Map.of("uptime_seconds", 99))))), "a fact no query reads changes nothing");
        assertNotEquals(digest, CatalogCompiler.fleetView(site, new FleetSnapshot(List.of(web("web1.example.net", "10.0.0.99",
                FleetNode.Standing.REPORTING, Map.of("uptime_seconds", 10))))), "an address a query reads");
        assertNotEquals(digest, CatalogCompiler.fleetView(site, new FleetSnapshot(List.of(web("web1.example.net", "10.0.0.11",
                FleetNode.Standing.UNRESPONSIVE, Map.of("uptime_seconds", 10))))), "a node going silent");
        assertNotEquals(digest, CatalogCompiler.fleetView(site, FleetSnapshot.EMPTY), "a node leaving");

        Site blind = SiteParser.parse(ManifestFiles.ofContent(Map.of("site.yaml",
                bytes("apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n  - name: web1.example.net\n    roles: [web]\n"),
                "roles/web.yaml", bytes(WEB))));
        assertFalse(blind.readsFleet());
        assertEquals("none", CatalogCompiler.fleetView(blind, base), "a site that reads no fleet is compiled the same whatever it does");
    }

    @Test
    void anotherNodesFactsReachACatalogOnlyThroughTheFieldsAQueryNames() throws Exception {
        String template = "{#for n in fleet.backends_full}{n.certname} {n.facts.networking.ip} {n.facts.credentials}{/for}\n";
        Site site = SiteParser.parse(ManifestFiles.ofContent(Map.of(
                "site.yaml", bytes(SITE.replace("fleet:\n", "fleet:\n  backends_full:\n    role: web\n    fields: [facts.networking.ip]\n")),
                "roles/lb.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  file:\n    /etc/pool: {template: pool}\n"),
                "templates/pool", bytes(template), "roles/web.yaml", bytes(WEB))));
        FleetSnapshot fleet = new FleetSnapshot(List.of(web("web1.example.net", "10.0.0.11", FleetNode.Standing.REPORTING,
                Map.of("credentials", "hunter2"))));
        ManifestException e = assertThrows(ManifestException.class, () -> compile(site, "lb1.example.net", fleet));
        assertEquals(List.of("templates/pool:1:69: template error: Key \"credentials\" not found in the map with keys [networking]"
                + " in expression {n.facts.credentials} (rendering file[/etc/pool] declared at roles/lb.yaml:5:27)"),
                e.diagnostics().stream().map(Object::toString).toList(), "a fact no query asks for is not there to read");
        Site asked = SiteParser.parse(ManifestFiles.ofContent(Map.of("site.yaml", site.files().file("site.yaml").orElseThrow(),
                "roles/lb.yaml", site.files().file("roles/lb.yaml").orElseThrow(), "roles/web.yaml", bytes(WEB),
                "templates/pool", bytes(template.replace(" {n.facts.credentials}", "")))));
        Catalog catalog = compile(asked, "lb1.example.net", fleet);
        assertEquals("web1.example.net 10.0.0.11\n", ((FileResource) catalog.resources().get(0).resource()).content());
        assertFalse(ModelJson.write(catalog).contains("hunter2"));
    }

    @Test
    void aTemplateMayListTheFleetWholeAndReadsEveryAnswerDoingSo() throws Exception {
        Site site = SiteParser.parse(ManifestFiles.ofContent(Map.of("site.yaml", bytes(SITE),
                "roles/lb.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  file:\n    /etc/all: {template: all}\n"),
                "templates/all", bytes("{#for q in fleet}{q.key}={q.value}\n{/for}"), "roles/web.yaml", bytes(WEB))));
        FleetSnapshot fleet = new FleetSnapshot(List.of(web("web1.example.net", "10.0.0.11", FleetNode.Standing.REPORTING, Map.of())));
        Catalog catalog = compile(site, "lb1.example.net", fleet);
        assertEquals("role={lb=[], web=[web1.example.net]}\nbackends=[10.0.0.11:80]\n",
                ((FileResource) catalog.resources().get(0).resource()).content());
        assertTrue(catalog.fleetDigest().startsWith("sha256:"));
    }

    @Test
    void whatAnotherNodeReportsIsTextNeverAReferenceNorASecretToOpen() throws Exception {
        Matcher written = Pattern.compile("pager_token: (ENC\\[[^]]+])")
                .matcher(Files.readString(Golden.exampleSite().resolve("data/common.yaml")));
        assertTrue(written.find());
        String stolen = written.group(1);
        Site site = SiteParser.parse(ManifestFiles.ofContent(Map.of(
                "site.yaml", bytes(SITE.replace("each: \"${facts.networking.ip}:80\"", "each: \"${facts.note}\"")),
                "data/common.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Data\ndata:\n  token: " + stolen + "\n"),
                "roles/lb.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  file:\n"
                        + "    /etc/notes: {content: \"${fleet.backends.0} ${fleet.backends.1}\"}\n"),
                "roles/web.yaml", bytes(WEB))));
        List<String> opened = new ArrayList<>();
        SecretOpener recording = (envelope, environment) -> {
            opened.add(envelope);
            return Golden.exampleSecrets().open(envelope, environment);
        };
        FleetSnapshot fleet = new FleetSnapshot(List.of(
                web("web1.example.net", "10.0.0.11", FleetNode.Standing.REPORTING, Map.of("note", stolen)),
                web("web2.example.net", "10.0.0.12", FleetNode.Standing.REPORTING, Map.of("note", "${data.token}"))));
        Catalog catalog = CatalogCompiler.compile(site, new CompileRequest("lb1.example.net", Facts.empty(), null, null, null,
                recording, fleet));
        assertEquals(List.of(), opened, "nothing was decrypted");
        assertEquals(stolen + " ${data.token}", ((FileResource) catalog.resources().get(0).resource()).content());
        assertFalse(((FileResource) catalog.resources().get(0).resource()).sensitive());
    }

    @Test
    void offlineTheFleetIsTheSitesFixturesClassifiedByTheSite() throws Exception {
        Site example = SiteParser.parse(DirectoryManifests.load(Golden.exampleSite()));
        FleetSnapshot fixtures = FleetFixtures.of(example);
        assertEquals(List.of("app1.example.net", "db1.example.net", "lb1.example.net", "stage1.example.net", "web1.example.net"),
                fixtures.nodes().stream().map(FleetNode::certname).toList());
        FleetNode web1 = fixtures.nodes().get(4);
        assertEquals(List.of("base", "bookworm", "web"), web1.roles());
        assertEquals("production", web1.environment());
        assertEquals(List.of("10.0.0.11:80"), ((NginxVhostResource) CatalogCompiler.compile(example,
                new CompileRequest("lb1.example.net", null, null, null, null, Golden.exampleSecrets())).resources().stream()
                .filter(r -> r.resource() instanceof NginxVhostResource).findFirst().orElseThrow().resource()).upstream());
    }

    @Test
    void aSnapshotFileIsCheckedLikeAnyInput() {
        ManifestException e = assertThrows(ManifestException.class, () -> FleetSnapshot.parse("fleet.json",
                bytes("{\"nodes\": [{\"certname\": \"a.example.net\", \"environment\": \"production\", \"standing\": \"sleepy\"},"
                        + " {\"certname\": \"a.example.net\", \"environment\": \"production\"}, {\"environment\": \"x\", \"colour\": 1}]}")));
        assertEquals(List.of(
                "fleet.json:1:83: unknown standing 'sleepy' (one of [reporting, failed, unresponsive])",
                "fleet.json:1:94: node a.example.net is listed twice (list each node once)",
                "fleet.json:1:154: a fleet node needs 'certname'",
                "fleet.json:1:175: unknown key 'colour' in a fleet node (a node has certname, environment, roles, standing and facts)"),
                e.diagnostics().stream().map(Object::toString).toList());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
