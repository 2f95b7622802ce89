package io.kraftwerk.master.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.Golden;
import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.manifest.ManifestFiles;
import io.kraftwerk.master.secrets.Envelope;
import io.kraftwerk.master.secrets.SecretsKey;
import io.kraftwerk.master.secrets.SecretsKeys;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Encrypted values in a compile: opened only for the catalogs that use them, never shown in a
 * message. The catalogs they make are golden cases (compile-cases/secrets-derived, secrets-errors).
 */
class SecretsCompileTest {
    /** Every value opened, in order: what a compile asked the keys for. */
    private static final class Recording implements SecretOpener {
        final List<String> opened = new ArrayList<>();
        private final SecretOpener inner = Golden.exampleSecrets();

        @Override
        public String open(String envelope, String environment) throws Unopenable {
            opened.add(envelope);
            return inner.open(envelope, environment);
        }
    }

    private static Site site(String name) throws Exception {
        return SiteParser.parse(DirectoryManifests.load(name.equals("example") ? Golden.exampleSite()
                : Golden.testResources().resolve("compile-cases/" + name + "/manifests")));
    }

    @Test
    void aNodeWhoseCatalogUsesNoSecretMakesNothingBeDecryptedAndReceivesNone() throws Exception {
        Site site = site("example");
        Recording lb = new Recording();
        String lbCatalog = ModelJson.write(CatalogCompiler.compile(site, new CompileRequest("lb1.example.net", null, null, null, null, lb)));
        assertTrue(lbCatalog.contains("-----BEGIN PRIVATE KEY-----"), "lb1 declares the TLS key file: it gets the key");
        Matcher written = Pattern.compile("hello_tls_key: (ENC\\[[^]]+])")
                .matcher(Files.readString(Golden.exampleSite().resolve("data/roles/lb.yaml")));
        assertTrue(written.find());
        String tlsKey = written.group(1);
        assertTrue(lb.opened.contains(tlsKey), "lb1's compile opened the TLS key's value");

        Recording web = new Recording();
        Catalog webCatalog = CatalogCompiler.compile(site, new CompileRequest("web1.example.net", null, null, null,
                CompileCasesTest.artifacts(Golden.testResources().resolve("example-site/artifacts.json")), web));
        String webJson = ModelJson.write(webCatalog);
        assertFalse(webJson.contains("BEGIN PRIVATE KEY"), "web1 does not declare the TLS key: its catalog does not hold it");
        assertFalse(web.opened.contains(tlsKey), "and the TLS key's value was not even decrypted for web1");
        assertEquals(2, web.opened.size(), "web1 opens its pager token and its app's secret key, nothing else: " + web.opened.size());
        assertTrue(webJson.contains("example-secret-key-web1"), "its own secret it does get");
    }

    @Test
    void noMessageShowsAnyPartOfASecret() throws Exception {
        ManifestException e = assertThrows(ManifestException.class, () -> CatalogCompiler.compile(site("secrets-errors"),
                new CompileRequest("app1.example.net", null, null, null, null, Golden.exampleSecrets())));
        String messages = e.diagnostics().stream().map(Diagnostic::toString).collect(Collectors.joining("\n"));
        assertEquals(12, e.diagnostics().size(), messages);
        for (String plaintext : List.of("misplaced-user-secret", "misplaced-path-secret", "misplaced-flag-secret", "tampered-plaintext",
                "staging-only-secret", "foreign-plaintext")) {
            assertFalse(messages.contains(plaintext), plaintext + " is in a message:\n" + messages);
        }
        assertFalse(messages.contains("ENC["), "nor the encrypted value itself (it names only the key):\n" + messages);
    }

    @Test
    void withoutAKeyAnEncryptedValueIsAnErrorAtItsPlaceNamingTheWayOut() throws Exception {
        ManifestException e = assertThrows(ManifestException.class, () -> CatalogCompiler.compile(site("secrets-derived"),
                new CompileRequest("app1.example.net", null, null)));
        Diagnostic first = e.diagnostics().get(0);
        assertEquals("data/common.yaml", first.location().file());
        assertEquals(6, first.location().line());
        assertTrue(first.toString().contains("this compile has no secrets key"), first.toString());
    }

    @Test
    void placeholdersKeepTheCatalogsShapeAndShowNoValue() throws Exception {
        Catalog catalog = CatalogCompiler.compile(site("secrets-derived"), new CompileRequest("app1.example.net", null, null, null, null,
                SecretOpener.placeholders(Golden.exampleSecrets())));
        String json = ModelJson.write(catalog);
        assertFalse(json.contains("s3cret-derived-password") || json.contains("tok-derived-token"), json);
        assertTrue(json.contains("postgres://app:[sensitive]@db1/app"), json);
        assertEquals(8, catalog.resources().size());
    }

    @Test
    void aBranchThatClaimsAnotherEnvironmentForItsNodeGetsNothingOpened() throws Exception {
        // pushed to staging: a rule putting a node in production, and a value copied from production's branch
        SecretsKey key = new SecretsKeys(Path.of("..", "examples", "secrets-key")).byId("ab336546d2c0054f").orElseThrow();
        String production = Envelope.encrypt("production-only-password", key, List.of("production"), new SecureRandom());
        ManifestFiles staging = ManifestFiles.ofContent(Map.of(
                "site.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n  - name: s1.example.net\n"
                        + "    environment: production\n    roles: [evil]\n"),
                "data/common.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Data\ndata:\n  stolen: " + production + "\n"),
                "roles/evil.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  file:\n"
                        + "    /tmp/stolen: {content: \"${data.stolen}\"}\n")));
        Recording recording = new Recording();
        ManifestException e = assertThrows(ManifestException.class, () -> CatalogCompiler.compile(SiteParser.parse(staging),
                new CompileRequest("s1.example.net", null, "staging", null, null, recording)));
        assertTrue(e.getMessage().contains("may not use environment 'staging'"), e.getMessage());
        assertEquals(List.of(), recording.opened, "the compile stopped at the classification: nothing was opened");

        // allowed to use staging, the catalog is staging's: the production value does not open in it
        ManifestFiles allowed = ManifestFiles.ofContent(Map.of(
                "site.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n  - name: s1.example.net\n"
                        + "    environment: production\n    allow_environments: [staging]\n    roles: [evil]\n"),
                "data/common.yaml", staging.file("data/common.yaml").orElseThrow(),
                "roles/evil.yaml", staging.file("roles/evil.yaml").orElseThrow()));
        ManifestException refused = assertThrows(ManifestException.class, () -> CatalogCompiler.compile(SiteParser.parse(allowed),
                new CompileRequest("s1.example.net", null, "staging", null, null, Golden.exampleSecrets())));
        assertTrue(refused.getMessage().contains("encrypted for environment production only, and this catalog is for environment staging"),
                refused.getMessage());
    }

    @Test
    void aTemplateCannotBranchOnASecretSoItsErrorsTellNothingOfIt() throws Exception {
        SecretsKey key = new SecretsKeys(Path.of("..", "examples", "secrets-key")).byId("ab336546d2c0054f").orElseThrow();
        List<String> outcomes = new ArrayList<>();
        for (String value : List.of("alpha", "hotel", "zulu")) {
            ManifestFiles site = ManifestFiles.ofContent(Map.of(
                    "site.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n  - name: n1.example.net\n    roles: [app]\n"),
                    "data/common.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Data\ndata:\n  password: "
                            + Envelope.encrypt(value, key, new SecureRandom()) + "\n"),
                    "templates/probe.txt", bytes("{#if data.password < 'm'}\n{data.nothing}\n{#else}\n\n{data.nothing}\n{/if}\n"
                            + "{#if data.password == 'alpha'}equal{/if}\n"),
                    "roles/app.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  file:\n"
                            + "    /tmp/probe: {template: probe.txt}\n")));
            try {
                CatalogCompiler.compile(SiteParser.parse(site), new CompileRequest("n1.example.net", null, null, null, null,
                        Golden.exampleSecrets()));
                outcomes.add("compiled");
            } catch (ManifestException e) {
                outcomes.add(e.getMessage());
                assertFalse(e.getMessage().contains(value), e.getMessage());
            }
        }
        assertEquals(1, outcomes.stream().distinct().count(), "the same outcome whatever the value: " + outcomes);
        assertTrue(outcomes.get(0).startsWith("roles/app.yaml:5:28: file[/tmp/probe]: template templates/probe.txt failed to render"),
                outcomes.get(0));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
