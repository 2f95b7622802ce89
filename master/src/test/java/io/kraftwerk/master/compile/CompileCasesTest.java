package io.kraftwerk.master.compile;

import io.kraftwerk.master.Golden;
import io.kraftwerk.master.manifest.Diagnostic;
import io.kraftwerk.master.manifest.DirectoryManifests;
import io.kraftwerk.master.manifest.ManifestException;
import io.kraftwerk.master.manifest.ManifestFiles;
import io.kraftwerk.model.json.ModelJson;
import io.kraftwerk.model.resource.ArtifactRef;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every folder under {@code compile-cases/} is one case: {@code manifests/} to compile, an optional
 * {@code case.properties} ({@code node}, {@code environment}, {@code facts}, {@code trusted} as
 * {@code key=value,key=value}), an optional {@code artifacts.json} (the artifact store: a list of
 * pinned files; without it the store is empty), an optional {@code fleet.json} (the fleet snapshot, see
 * {@link FleetSnapshot#parse}; without it the site's fixtures), and the expected result, {@code expected-catalog.json} or
 * {@code expected-errors.txt} (one diagnostic per line); and {@code expected-warnings.txt} when the
 * manifests draw warnings.
 */
class CompileCasesTest {
    private static final Path CASES = Golden.testResources().resolve("compile-cases");

    static Stream<String> cases() throws IOException {
        try (Stream<Path> dirs = Files.list(CASES)) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    /** The store a case compiles against: the files its artifacts.json lists, or none. */
    static ArtifactIndex artifacts(Path file) throws IOException {
        if (!Files.exists(file)) {
            return ArtifactIndex.EMPTY;
        }
        return ArtifactIndex.of(List.of(ModelJson.mapper().readValue(file.toFile(), ArtifactRef[].class)));
    }

    /** The fleet a case compiles against: its fleet.json, or (null) the site's fixtures. */
    static FleetSnapshot fleet(Path file) throws IOException, ManifestException {
        return Files.exists(file) ? FleetSnapshot.parse(file.getFileName().toString(), Files.readAllBytes(file)) : null;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compilesAsExpected(String name) throws Exception {
        Path dir = CASES.resolve(name);
        Properties props = new Properties();
        if (Files.exists(dir.resolve("case.properties"))) {
            try (Reader r = Files.newBufferedReader(dir.resolve("case.properties"))) {
                props.load(r);
            }
        }
        String node = props.getProperty("node", "node1.example.net");
        Facts facts = props.containsKey("facts")
                ? Facts.parse(props.getProperty("facts"), Files.readAllBytes(dir.resolve(props.getProperty("facts")))) : null;
        Map<String, String> trusted = new TreeMap<>();
        for (String pair : props.getProperty("trusted", "").split(",")) {
            if (!pair.isBlank()) {
                trusted.put(pair.substring(0, pair.indexOf('=')).strip(), pair.substring(pair.indexOf('=') + 1).strip());
            }
        }
        String actual;
        String warnings = "";
        boolean failed;
        try {
            ManifestFiles files = DirectoryManifests.load(dir.resolve("manifests"));
            // the version depends on every byte of the case; pin it so expected files stay readable
            files = new ManifestFiles("sha256:case-" + name, files.files());
            Site site = SiteParser.parse(files);
            warnings = site.warnings().stream().map(Diagnostic::toString).collect(Collectors.joining("\n", "", "\n"));
            actual = ModelJson.write(CatalogCompiler.compile(site, new CompileRequest(node, facts, props.getProperty("environment"),
                    trusted, artifacts(dir.resolve("artifacts.json")), Golden.exampleSecrets(), fleet(dir.resolve("fleet.json")))));
            failed = false;
        } catch (ManifestException e) {
            actual = e.diagnostics().stream().map(Diagnostic::toString).collect(Collectors.joining("\n", "", "\n"));
            failed = true;
        }
        Path expectedErrors = dir.resolve("expected-errors.txt");
        Path expectedCatalog = dir.resolve("expected-catalog.json");
        boolean expectsErrors = Files.exists(expectedErrors) || (Golden.UPDATE && failed && !Files.exists(expectedCatalog));
        Golden.assertMatches(expectsErrors ? expectedErrors : expectedCatalog, actual);
        Path expectedWarnings = dir.resolve("expected-warnings.txt");
        if (Files.exists(expectedWarnings) || !warnings.isBlank()) {
            Golden.assertMatches(expectedWarnings, warnings);
        }
    }

}
