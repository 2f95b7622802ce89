package io.kraftwerk.master.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.Golden;
import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
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
}
