package io.kraftwerk.master.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * docs/schema/manifest.schema.json is what ManifestSchema makes of the records and the reference
 * (regenerate with -Dkraftwerk.golden.update=true), and every file of the example site passes it,
 * as an editor with the schema wired in would check it; typical slips do not.
 */
class ManifestSchemaTest {
    private static final Path PUBLISHED = Path.of("..", "docs", "schema", "manifest.schema.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Schema schema;

    @BeforeAll
    static void load() throws IOException {
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(JSON.readTree(PUBLISHED.toFile()));
    }

    @Test
    void thePublishedSchemaIsTheGeneratedOne() throws IOException {
        String generated = ManifestSchema.generate(Files.readString(Path.of("..", "docs", "manifest-reference.md")));
        if (Boolean.getBoolean("kraftwerk.golden.update")) {
            Files.writeString(PUBLISHED, generated);
        }
        assertEquals(Files.readString(PUBLISHED), generated, "docs/schema/manifest.schema.json is stale: run the test with"
                + " -Dkraftwerk.golden.update=true");
    }

    static Stream<Path> exampleSite() throws IOException {
        Path manifests = Path.of("..", "manifests");
        return Stream.concat(Stream.of(manifests.resolve("site.yaml")), Stream.of("roles", "data").flatMap(dir -> {
            try {
                return Files.walk(manifests.resolve(dir)).filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }));
    }

    @ParameterizedTest
    @MethodSource("exampleSite")
    void everyFileOfTheExampleSitePasses(Path file) throws IOException {
        assertEquals(List.of(), messages(yaml(Files.readString(file))), file.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "file:\\n    /etc/motd: {ownr: root}|/resources/file/~1etc~1motd: property 'ownr' is not defined in the schema",
            "pakage:\\n    nginx: {}|/resources: property 'pakage' is not defined in the schema",
            "ssh_authorized_key:\\n    alice: {key_type: ssh-ed25519, key: AAAA}|/resources/ssh_authorized_key/alice: required property 'user' not found",
            "package:\\n    nginx: {ensure: installed}|/resources/package/nginx/ensure: does not have a value in the enumeration",
            "exec:\\n    migrate: {command: [/bin/true], refresh-only: true}|/resources/exec/migrate: property 'refresh-only' is not defined in the schema"})
    void typicalSlipsAreCaughtWithTheirPlace(String resources, String expected) {
        List<String> messages = messages(yaml("apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  " + resources.replace("\\n", "\n") + "\n"));
        assertTrue(messages.stream().anyMatch(m -> m.startsWith(expected)), expected + " in " + messages);
    }

    @Test
    void anInterpolationStandsForAnyValue() {
        assertEquals(List.of(), messages(yaml("apiVersion: kraftwerk/v1\nkind: Role\nresources:\n  user: ${data.db.admins}\n"
                + "  gunicorn_app:\n    app: {workers: '${data.app.workers}', virtualenv: /srv/app/venv, module: 'app:application',"
                + " bind: '127.0.0.1:8000', user: '${data.app.user}'}\n")));
    }

    private static List<String> messages(JsonNode document) {
        return schema.validate(document).stream().map(Error::toString).distinct().toList();
    }

    private static JsonNode yaml(String text) {
        return JSON.valueToTree(new Yaml(new SafeConstructor(new LoaderOptions())).load(text));
    }
}
