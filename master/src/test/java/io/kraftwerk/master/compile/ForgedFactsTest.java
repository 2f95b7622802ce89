package io.kraftwerk.master.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kraftwerk.master.Golden;
import io.kraftwerk.master.manifest.ManifestFiles;
import io.kraftwerk.model.catalog.Catalog;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.FileResource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A node cannot have the master decrypt for it: an {@code ENC[...]} value it reports as a fact (copied
 * from a clone of the manifests, say) is inserted as the text it is, never opened. Only values
 * written in the manifests are.
 */
class ForgedFactsTest {
    @Test
    void anEncryptedValueANodeReportsAsAFactIsNeverDecrypted() throws Exception {
        Matcher written = Pattern.compile("pager_token: (ENC\\[[^]]+])")
                .matcher(Files.readString(Golden.exampleSite().resolve("data/common.yaml")));
        assertTrue(written.find());
        String stolen = written.group(1);
        ManifestFiles site = ManifestFiles.ofContent(Map.of(
                "site.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Site\nnodes:\n  - name: evil.example.net\n    roles: [app]\n"),
                "data/common.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Data\ndata:\n  echo: ${facts.note}\n"),
                "roles/app.yaml", bytes("apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  file:\n"
                        + "    /tmp/whole: {content: \"${facts.note}\"}\n"
                        + "    /tmp/inside: {content: \"note=${facts.note}\"}\n"
                        + "    /tmp/through-data: {content: \"${data.echo}\"}\n")));
        List<String> opened = new ArrayList<>();
        SecretOpener recording = (envelope, environment) -> {
            opened.add(envelope);
            return Golden.exampleSecrets().open(envelope, environment);
        };
        Catalog catalog = CatalogCompiler.compile(SiteParser.parse(site), new CompileRequest("evil.example.net",
                Facts.of(Map.of("note", stolen), "facts of evil.example.net"), null, null, null, recording));

        assertEquals(List.of(), opened, "nothing was decrypted");
        String json = ModelJson.write(catalog);
        assertFalse(json.contains("example-pager-token"), json);
        List<String> contents = catalog.resources().stream().map(r -> ((FileResource) r.resource()).content()).toList();
        assertEquals(List.of(stolen, "note=" + stolen, stolen), contents, "the facts' text, as it was reported");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
